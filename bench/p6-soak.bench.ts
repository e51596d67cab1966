import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';

import { AuthModule, TokenBrokerModule } from '@chain/auth';

import { DEFAULT_IDEMPOTENCY_SETTINGS } from '../apps/bff/src/common/idempotency/idempotency.store';
import { forkTs, nextMessage, stopChild } from './support/child-process';
import { startEchoServer } from './support/echo-server';
import { type BenchEmulator, startBenchEmulator } from './support/emulator-process';
import { type FigureBody, onStop, progress, runFigure } from './support/figure';
import { nowMs, pool, round } from './support/stats';
import { application, BFF_DOWNSTREAMS } from './support/tenant';

/*
 * P6 — memory under a long run of many users: U distinct signed-in users, N requests through the bff
 * (user i mod U, so every user has come by the end of the first batch and the caches are full), in batches
 * of B. After each batch the bff (its own process, --expose-gc) collects garbage and reports the heap still
 * used and the size of each cache. Target: heap flat (≤ +10 %) from the first batch, when the caches are
 * full, to the last; every cache at or under its configured bound.
 */

const TITLE = 'P6 soak (memory, many users)';
const PLAN = { users: 10_000, requests: 100_000, batch: 10_000, concurrency: 32 };
const QUICK = { users: 200, requests: 2_000, batch: 200, concurrency: 16 };
/** Every fifth request of the later batches writes (POST with a new Idempotency-Key); the rest read. */
const WRITE_EVERY = 5;
const GROWTH_TARGET = 0.1;
const TERMS = JSON.stringify({
  name: 'Soak programme',
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: 1_000_000,
  currency: 'GBP',
});

/** Each cache's configured bound (the defaults the bff runs with), by the name the bff reports it under. */
const BOUNDS: Readonly<Record<string, number>> = {
  'token broker L1 (tokens)': TokenBrokerModule.DEFAULTS.l1MaxEntries,
  'validated tokens': AuthModule.DEFAULTS.validatedTokenCacheSize,
  'idempotency keys': DEFAULT_IDEMPOTENCY_SETTINGS.maxEntries,
  // One acquisition per (downstream, user) at most while requests wait; never more than are in flight.
  'token broker in flight': PLAN.concurrency,
};

interface Sample {
  readonly heapUsed: number;
  readonly rss: number;
  readonly caches: Readonly<Record<string, number | undefined>>;
}

interface Bff {
  readonly url: string;
  sample(): Promise<Sample>;
  stop(): Promise<void>;
}

/** The bff's environment: the emulator as authority and issuer, every downstream at the echo server. */
function bffEnv(emulator: BenchEmulator, downstreamUrl: string): Record<string, string> {
  const bff = application(emulator.registrations, 'bff');
  const downstreams = Object.entries(BFF_DOWNSTREAMS).flatMap(([name, d]) => [
    [`DOWNSTREAM_APIS__${name}__BASE_URL`, downstreamUrl],
    [`DOWNSTREAM_APIS__${name}__FLOW`, d.flow],
    [`DOWNSTREAM_APIS__${name}__SCOPES`, d.scopes.join(' ')],
  ]);
  return {
    AUTH_ISSUERS: `${emulator.emulatorUrl}/${emulator.tenantId}/v2.0`,
    AUTH_JWKS_URI: `${emulator.authority}/discovery/v2.0/keys`,
    AUTH_AUDIENCES: `${bff.clientId},api://bff`,
    AUTH_AUTHORITY: emulator.authority,
    AUTH_KNOWN_AUTHORITIES: emulator.knownAuthorities.join(','),
    AUTH_CLIENT_ID: bff.clientId,
    AUTH_CLIENT_SECRET: bff.secrets[0]!.value,
    CHAIN_TRACE: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    ...Object.fromEntries(downstreams),
  };
}

async function startBff(env: Record<string, string>): Promise<Bff> {
  const child = forkTs(join(__dirname, 'support', 'soak-bff-main.ts'), env, ['--expose-gc']);
  const ready = await nextMessage<{ type: 'ready'; url: string }>(child, 'ready', 60_000).catch(
    async (error: unknown) => {
      await stopChild(child);
      throw error;
    },
  );
  return {
    url: ready.url,
    sample: async () => {
      const answer = nextMessage<Sample & { type: 'sample'; error?: string }>(child, 'sample', 60_000);
      child.send({ type: 'sample' });
      const sample = await answer;
      if (sample.error !== undefined) throw new Error(`the bff could not sample: ${sample.error}`);
      return sample;
    },
    stop: () => stopChild(child),
  };
}

/** One request through the bff; resolves with its status (0 for a transport error). */
function call(agent: Agent, url: URL, token: string, write: boolean): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (write)
      Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': `"${randomUUID()}"` });
    const req = request(url, { agent, method: write ? 'POST' : 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(write ? TERMS : undefined);
  });
}

interface Batch {
  readonly ms: number;
  readonly failures: number;
  readonly sample: Sample;
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const echo = await startEchoServer();
  progress(`P6: starting the emulator with ${plan.users} users`);
  const emulator = await startBenchEmulator({ users: plan.users });
  let bff: Bff | undefined;
  const unregister = onStop(async () => {
    await bff?.stop();
    await emulator.stop();
  });
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  try {
    progress('P6: minting their tokens');
    const minted = await emulator.mintUserTokens();
    const tokens = emulator.users.map((u) => minted.get(u.oid)!);
    bff = await startBff(bffEnv(emulator, echo.url));
    const boot = await bff.sample();
    const url = new URL('/api/programmes', bff.url);
    await emulator.admin.resetTokenRequests();
    const batches: Batch[] = [];
    for (let start = 0; start < plan.requests; start += plan.batch) {
      const first = start === 0;
      const started = nowMs();
      const statuses = await pool(plan.batch, plan.concurrency, (i) => {
        const n = start + i;
        // The first batch: each user writes once (every cache, the idempotency store included, fills up).
        return call(agent, url, tokens[n % tokens.length]!, first || n % WRITE_EVERY === 0);
      });
      const ms = nowMs() - started;
      const sample = await bff.sample();
      batches.push({ ms, failures: statuses.filter((s) => s < 200 || s >= 300).length, sample });
      progress(
        `P6: ${start + plan.batch} requests, heap ${mb(sample.heapUsed)} MB, ${round(plan.batch / (ms / 1_000))} req/s`,
      );
    }
    const counts = await emulator.admin.tokenRequests();
    return report(plan, boot, batches, counts.total, quick);
  } finally {
    agent.destroy();
    await bff?.stop();
    await emulator.stop();
    await echo.close();
    unregister();
  }
});

const mb = (bytes: number): number => round(bytes / 1024 / 1024);

function report(
  plan: typeof PLAN,
  boot: Sample,
  batches: readonly Batch[],
  tokenRequests: number,
  quick: boolean,
): FigureBody {
  const full = batches[0]!.sample;
  const last = batches.at(-1)!.sample;
  const growth = (last.heapUsed - full.heapUsed) / full.heapUsed;
  const peak = Math.max(...batches.map((b) => b.sample.heapUsed));
  const failures = batches.reduce((sum, b) => sum + b.failures, 0);
  const cacheNames = Object.keys(last.caches);
  const row = (label: string, sample: Sample, batch?: Batch) => ({
    label,
    values: {
      'heap used MB': mb(sample.heapUsed),
      'rss MB': mb(sample.rss),
      ...(batch ? { 'req/s': round(plan.batch / (batch.ms / 1_000)), 'non-2xx': batch.failures } : {}),
      ...Object.fromEntries(cacheNames.map((name) => [name, sample.caches[name] ?? 'n/a'])),
    },
  });
  const bounded = Object.entries(BOUNDS).every(([name, bound]) => (last.caches[name] ?? 0) <= bound);
  return {
    id: 'soak',
    title: TITLE,
    status: 'ran',
    method: `${plan.users} distinct users (tokens minted by the emulator process as its login would issue them), ${plan.requests} requests through the bff in batches of ${plan.batch}, ${plan.concurrency} in flight, request n as user n mod ${plan.users}: the first batch one POST /api/programmes per user (new Idempotency-Key each), then GET /api/programmes with every ${WRITE_EVERY}th request a POST (new key). The bff runs from source in its own process with --expose-gc (CHAIN_TRACE off, default cache bounds); downstreams answer from an echo server; on-behalf-of tokens come from the emulator. After each batch: gc() twice, then process.memoryUsage() and each cache's size.`,
    columns: ['heap used MB', 'rss MB', 'req/s', 'non-2xx', ...cacheNames],
    rows: [
      row('after boot', boot),
      ...batches.map((b, i) => row(`after ${(i + 1) * plan.batch}`, b.sample, b)),
    ],
    targets: [
      {
        name: 'heap growth from caches full (first batch) to the last batch',
        goal: `≤ +${GROWTH_TARGET * 100} %`,
        measured: `${growth >= 0 ? '+' : ''}${round(growth * 100)} % (${mb(full.heapUsed)} → ${mb(last.heapUsed)} MB, peak ${mb(peak)} MB)`,
        met: growth <= GROWTH_TARGET && failures === 0,
      },
      {
        name: 'every cache within its configured bound',
        goal: Object.entries(BOUNDS)
          .map(([name, bound]) => `${name} ≤ ${bound}`)
          .join(', '),
        measured: cacheNames.map((n) => `${n} ${last.caches[n] ?? 'n/a'}`).join(', '),
        met: bounded,
      },
    ],
    notes: [
      `Token requests at the emulator during the run: ${tokenRequests} (one on-behalf-of exchange per user is ${plan.users}; more means a cache evicted a token it still needed).`,
      ...(failures > 0 ? [`${failures} requests did not answer 2xx: the run is not comparable.`] : []),
      `Heap used is what stays reachable after gc(); RSS also holds pages V8 and malloc keep once grown (it rises with throughput and does not come down when idle, without a leak).`,
      ...(quick
        ? [
            '--quick: small counts, the harness only (the idempotency store does not reach its bound, so it grows here).',
          ]
        : []),
    ],
  };
}
