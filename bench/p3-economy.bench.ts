import { ConfidentialClientApplication } from '@azure/msal-node';
import type { TokenRequestCounts } from '@chain/testing';

import { bffBrokerOptions, principalOf, startBrokerApp } from './support/broker-app';
import { type BenchEmulator, startBenchEmulator } from './support/emulator-process';
import { type FigureBody, progress, runFigure } from './support/figure';
import { nowMs, pool, round, times } from './support/stats';
import { application, BFF_DOWNSTREAMS, type BffDownstreamName } from './support/tenant';

/*
 * P3 — token-service economy: U signed-in users × R requests, 200 in flight, each request needing a token
 * for every downstream of the bff (PROGRAM and DOCUMENTS on-behalf-of, PRICING client credentials).
 * Counted at the emulator (`GET /_admin/token-requests`): through a cold TokenBroker, then bare
 * @azure/msal-node (one ConfidentialClientApplication, its own cache, default transport) on the same burst.
 */

const CONCURRENCY = 200;
/** The default 5 s can pass on a shared 2-core machine under a 200-way burst; a timeout would add a retry. */
const TOKEN_SERVICE_TIMEOUT_MS = 30_000;
const PLAN = { users: 50, requestsPerUser: 10 };
const QUICK = { users: 4, requestsPerUser: 3 };

const NAMES = Object.keys(BFF_DOWNSTREAMS) as BffDownstreamName[];
const OBO = NAMES.filter((n) => BFF_DOWNSTREAMS[n].flow === 'on-behalf-of');
const CC = NAMES.filter((n) => BFF_DOWNSTREAMS[n].flow === 'client-credentials');

type Acquire = (name: BffDownstreamName, token: string) => Promise<unknown>;

interface Burst {
  readonly counts: TokenRequestCounts;
  readonly ms: number;
  readonly failures: number;
}

async function burst(
  emulator: BenchEmulator,
  tokens: readonly string[],
  perUser: number,
  acquire: Acquire,
): Promise<Burst> {
  await emulator.admin.resetTokenRequests();
  const started = nowMs();
  // Request i belongs to user i mod U, so every user's first requests are in the first wave.
  const outcomes = await pool(tokens.length * perUser, CONCURRENCY, (i) =>
    Promise.all(NAMES.map((name) => acquire(name, tokens[i % tokens.length]!))).then(
      () => true,
      () => false,
    ),
  );
  const ms = nowMs() - started;
  const failures = outcomes.filter((ok) => !ok).length;
  return { counts: await emulator.admin.tokenRequests(), ms, failures };
}

function byFlow(emulator: BenchEmulator, counts: TokenRequestCounts): { obo: number; cc: number } {
  const bff = application(emulator.registrations, 'bff').clientId;
  const count = (grant: string, name: BffDownstreamName): number =>
    counts.byKey[
      `${grant}|${bff}|${application(emulator.registrations, BFF_DOWNSTREAMS[name].resource).clientId}`
    ] ?? 0;
  return {
    obo: OBO.reduce((sum, n) => sum + count('on_behalf_of', n), 0),
    cc: CC.reduce((sum, n) => sum + count('client_credentials', n), 0),
  };
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const emulator = await startBenchEmulator({ users: plan.users });
  try {
    progress(`P3: signing ${plan.users} users in`);
    const signedIn = await emulator.signInAll();
    const tokens = emulator.users.map((u) => signedIn.get(u.oid)!);

    progress('P3: burst through a cold TokenBroker');
    const app = await startBrokerApp(
      bffBrokerOptions(emulator, 'http://127.0.0.1:9', { tokenServiceTimeoutMs: TOKEN_SERVICE_TIMEOUT_MS }),
    );
    const viaBroker = await burst(emulator, tokens, plan.requestsPerUser, (name, token) =>
      BFF_DOWNSTREAMS[name].flow === 'on-behalf-of'
        ? app.broker.forUser(name, principalOf(token))
        : app.broker.forApp(name),
    );
    await app.close();

    progress('P3: the same burst through bare msal-node');
    const bff = application(emulator.registrations, 'bff');
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: bff.clientId,
        authority: emulator.authority,
        knownAuthorities: emulator.knownAuthorities,
        clientSecret: bff.secrets[0]!.value,
      },
    });
    const viaMsal = await burst(emulator, tokens, plan.requestsPerUser, (name, token) => {
      const scopes = [...BFF_DOWNSTREAMS[name].scopes];
      return BFF_DOWNSTREAMS[name].flow === 'on-behalf-of'
        ? msal.acquireTokenOnBehalfOf({ oboAssertion: token, scopes })
        : msal.acquireTokenByClientCredential({ scopes });
    });

    const expected = plan.users * OBO.length + CC.length;
    const broker = byFlow(emulator, viaBroker.counts);
    const bare = byFlow(emulator, viaMsal.counts);
    const row = (label: string, b: Burst, f: { obo: number; cc: number }) => ({
      label,
      values: {
        'token requests': b.counts.total,
        'on-behalf-of': f.obo,
        'client credentials': f.cc,
        'expected (U × OBO + CC)': expected,
        'failed requests': b.failures,
        'burst ms': round(b.ms),
      },
    });
    return {
      id: 'economy',
      title: 'P3 token-service economy',
      status: 'ran',
      method: `U = ${plan.users} users × R = ${plan.requestsPerUser} requests, ${CONCURRENCY} in flight; every request needs a token for ${OBO.join(', ')} (on-behalf-of) and ${CC.join(', ')} (client credentials); counted at the emulator's /_admin/token-requests; cold caches for both; broker token-service timeout ${TOKEN_SERVICE_TIMEOUT_MS / 1_000} s (default 5 s) so that a slow shared machine does not turn into retries.`,
      columns: [
        'token requests',
        'on-behalf-of',
        'client credentials',
        'expected (U × OBO + CC)',
        'failed requests',
        'burst ms',
      ],
      rows: [row('TokenBroker (libs/auth)', viaBroker, broker), row('bare @azure/msal-node', viaMsal, bare)],
      targets: [
        {
          name: 'broker token requests',
          goal: `exactly U × OBO-downstreams + CC-downstreams = ${expected}`,
          measured: `${viaBroker.counts.total} (bare msal-node: ${viaMsal.counts.total}, ${times(viaMsal.counts.total / Math.max(1, viaBroker.counts.total))})`,
          met:
            viaBroker.counts.total === expected &&
            broker.obo + broker.cc === expected &&
            viaBroker.failures === 0,
        },
      ],
      notes: quick ? ['--quick: tiny counts, the harness only.'] : [],
    };
  } finally {
    await emulator.stop();
  }
});
