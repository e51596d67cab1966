import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { TokenBrokerOptions } from '@chain/auth';
import type { TokenRequestCounts } from '@chain/testing';
import Redis from 'ioredis';

import { bffBrokerOptions } from './support/broker-app';
import { forkTs, nextMessage, stopChild } from './support/child-process';
import { type BenchEmulator, startBenchEmulator } from './support/emulator-process';
import { type FigureBody, notRun, progress, runFigure } from './support/figure';
import { round } from './support/stats';
import { application, BFF_DOWNSTREAMS, type BffDownstreamName } from './support/tenant';

/*
 * P4 — two bff replicas (two processes, each a TokenBroker from TokenBrokerModule) sharing Redis as L2,
 * cold, the same burst sent to both at once: token requests per (user, downstream), counted at the emulator.
 * For comparison the same two replicas without Redis (each only its own L1).
 */

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 200;
/** The default 5 s can pass on a shared 2-core machine under a 200-way burst; a timeout would add a retry. */
const TOKEN_SERVICE_TIMEOUT_MS = 30_000;
const PLAN = { users: 40, requestsPerUser: 5 };
const QUICK = { users: 4, requestsPerUser: 3 };
const TITLE = 'P4 two replicas sharing Redis';
const METHOD = `two processes, each a TokenBroker with the bff's three downstreams; U users × R requests sent to both replicas at once (${CONCURRENCY} in flight in each); Redis at ${REDIS_URL} with a fresh key prefix; counted at the emulator; broker token-service timeout ${TOKEN_SERVICE_TIMEOUT_MS / 1_000} s (default 5 s), other settings default (lease 3 s).`;

const NAMES = Object.keys(BFF_DOWNSTREAMS) as BffDownstreamName[];

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** What the replicas' TokenBrokerEvents saw during the burst (summed over both). */
interface Seen {
  leaseWaitHits: number;
  leaseWaitGaveUp: number;
  l2Hits: number;
  l2Errors: number;
  l2ErrorKinds: Record<string, number>;
  slowestTokenRequestMs: number;
}

interface Done {
  readonly type: 'done';
  readonly ms: number;
  readonly failures: number;
  readonly seen: Seen;
}

interface PairRun {
  readonly counts: TokenRequestCounts;
  readonly ms: number;
  readonly failures: number;
  readonly seen: Seen;
}

async function runPair(
  emulator: BenchEmulator,
  options: TokenBrokerOptions,
  tokens: string[],
  perUser: number,
): Promise<PairRun> {
  const replicas = [0, 1].map(() => forkTs(join(__dirname, 'support', 'replica-main.ts')));
  try {
    const ready = replicas.map((r) => nextMessage(r, 'ready', 30_000));
    for (const r of replicas) r.send({ type: 'start', options });
    await Promise.all(ready);
    await emulator.admin.resetTokenRequests();
    const done = replicas.map((r) => nextMessage<Done>(r, 'done', 60_000));
    for (const r of replicas) r.send({ type: 'burst', tokens, perUser, concurrency: CONCURRENCY });
    const results = await Promise.all(done);
    return {
      counts: await emulator.admin.tokenRequests(),
      ms: Math.max(...results.map((r) => r.ms)),
      failures: results.reduce((sum, r) => sum + r.failures, 0),
      seen: {
        leaseWaitHits: results.reduce((sum, r) => sum + r.seen.leaseWaitHits, 0),
        leaseWaitGaveUp: results.reduce((sum, r) => sum + r.seen.leaseWaitGaveUp, 0),
        l2Hits: results.reduce((sum, r) => sum + r.seen.l2Hits, 0),
        l2Errors: results.reduce((sum, r) => sum + r.seen.l2Errors, 0),
        l2ErrorKinds: results.reduce<Record<string, number>>((all, r) => {
          for (const [kind, n] of Object.entries(r.seen.l2ErrorKinds)) all[kind] = (all[kind] ?? 0) + n;
          return all;
        }, {}),
        slowestTokenRequestMs: Math.max(...results.map((r) => r.seen.slowestTokenRequestMs)),
      },
    };
  } finally {
    await Promise.all(replicas.map((r) => stopChild(r)));
  }
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  if (!(await redisAnswers()))
    return notRun('replicas', TITLE, METHOD, `Redis does not answer at ${REDIS_URL} (set REDIS_URL)`);
  const plan = quick ? QUICK : PLAN;
  const emulator = await startBenchEmulator({ users: plan.users });
  const prefix = `bench:${randomUUID()}`;
  try {
    progress(`P4: signing ${plan.users} users in`);
    const signedIn = await emulator.signInAll();
    const tokens = emulator.users.map((u) => signedIn.get(u.oid)!);
    const encryptionKey = randomBytes(32).toString('base64');
    progress('P4: two cold replicas sharing Redis');
    const shared = await runPair(
      emulator,
      bffBrokerOptions(emulator, 'http://127.0.0.1:9', {
        tokenServiceTimeoutMs: TOKEN_SERVICE_TIMEOUT_MS,
        cache: { redisUrl: REDIS_URL, encryptionKey, keyPrefix: prefix },
      }),
      tokens,
      plan.requestsPerUser,
    );
    progress('P4: two cold replicas, L1 only');
    const alone = await runPair(
      emulator,
      bffBrokerOptions(emulator, 'http://127.0.0.1:9', { tokenServiceTimeoutMs: TOKEN_SERVICE_TIMEOUT_MS }),
      tokens,
      plan.requestsPerUser,
    );
    return report(emulator, plan, shared, alone, quick);
  } finally {
    await deleteKeys(prefix).catch(() => undefined);
    await emulator.stop();
  }
});

function perDownstream(
  emulator: BenchEmulator,
  counts: TokenRequestCounts,
  users: number,
): Record<BffDownstreamName, number> {
  const bff = application(emulator.registrations, 'bff').clientId;
  const entries = NAMES.map((name) => {
    const d = BFF_DOWNSTREAMS[name];
    const grant = d.flow === 'on-behalf-of' ? 'on_behalf_of' : 'client_credentials';
    const total =
      counts.byKey[`${grant}|${bff}|${application(emulator.registrations, d.resource).clientId}`] ?? 0;
    // On-behalf-of tokens are per user; a client-credentials token is one for the app.
    return [name, d.flow === 'on-behalf-of' ? total / users : total] as const;
  });
  return Object.fromEntries(entries) as Record<BffDownstreamName, number>;
}

function report(
  emulator: BenchEmulator,
  plan: typeof PLAN,
  shared: PairRun,
  alone: PairRun,
  quick: boolean,
): FigureBody {
  const columns = [
    ...NAMES.map((n) => `${n} per (user, downstream)`),
    'token requests',
    'failed requests',
    'burst ms',
  ];
  const row = (label: string, run: PairRun) => {
    const per = perDownstream(emulator, run.counts, plan.users);
    return {
      label,
      values: {
        ...Object.fromEntries(NAMES.map((n) => [`${n} per (user, downstream)`, round(per[n])])),
        'token requests': run.counts.total,
        'failed requests': run.failures,
        'burst ms': round(run.ms),
      },
    };
  };
  const per = perDownstream(emulator, shared.counts, plan.users);
  const worst = Math.max(...NAMES.map((n) => per[n]));
  const expected = plan.users * NAMES.filter((n) => BFF_DOWNSTREAMS[n].flow === 'on-behalf-of').length + 1;
  return {
    id: 'replicas',
    title: TITLE,
    status: 'ran',
    method: `${METHOD} U = ${plan.users}, R = ${plan.requestsPerUser}.`,
    columns,
    rows: [
      row('2 replicas + shared Redis (L2 + lease)', shared),
      row('2 replicas, no Redis (L1 each)', alone),
    ],
    targets: [
      {
        name: 'token requests per (user, downstream)',
        goal: 'exactly 1',
        measured: `${NAMES.map((n) => `${n} ${round(per[n])}`).join(', ')} (${shared.counts.total} requests for ${expected} pairs; without Redis ${alone.counts.total})`,
        met: worst === 1 && shared.counts.total === expected && shared.failures === 0,
      },
    ],
    notes: [
      `With Redis, the replicas saw: ${shared.seen.l2Hits} L2 hits, ${shared.seen.leaseWaitHits} lease waits answered from L2, ${shared.seen.leaseWaitGaveUp} lease waits given up (lease 3 s), ${shared.seen.l2Errors} Redis errors (a Redis slower than 250 ms counts as absent); slowest token request ${round(shared.seen.slowestTokenRequestMs)} ms.`,
      ...Object.entries(shared.seen.l2ErrorKinds).map(([kind, n]) => `Redis error ${n}×: ${kind}`),
      ...(quick ? ['--quick: tiny counts, the harness only.'] : []),
    ],
  };
}
