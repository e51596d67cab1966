import { TokenBrokerModule } from '@chain/auth';

import { bffBrokerOptions, type BrokerApp, startBrokerApp } from './support/broker-app';
import { startEchoServer } from './support/echo-server';
import { type BenchEmulator, startBenchEmulator } from './support/emulator-process';
import { type FigureBody, progress, runFigure } from './support/figure';
import { median, nowMs, percentile, pool, round, sleep, times } from './support/stats';

/*
 * P5 — latency across a token's expiry. The emulator issues 36-second tokens; the broker never serves a
 * token with less than 30 s left (TokenBrokerModule.DEFAULTS.minRemainingSeconds), so a cached app token hits
 * its boundary b = expiresOn − 30 s about 6 s after it was obtained. Open-loop traffic (client-credentials
 * downstream PRICING through DownstreamClient to a loopback echo) runs only in two windows per rig:
 * steady (token 1.5–2.5 s old, nothing to renew) and b ± 0.5 s. Refresh-ahead off (0 s): the first request
 * after b waits for the token service. On (32 s): the first request of the window (30.5 s left) is served
 * from cache and starts a background renewal. Latency is taken from each request's scheduled start.
 */

const LIFETIME_S = 36;
/** Added to every client-credentials token request (the emulator's fault injection). */
const TOKEN_SERVICE_LATENCY_MS = 150;
const REFRESH_AHEAD_ON_S = 32;
const PLAN = { rounds: 5, ratePerSecond: 250 };
const QUICK = { rounds: 1, ratePerSecond: 100 };
const WINDOW_MS = 1_000;
const STEADY_AFTER_MS = 1_500;
const ON_DELAY_MS = 2_600;

type Mode = 'off' | 'on';

interface RoundResult {
  readonly steady: number[];
  readonly boundary: number[];
  readonly renewed: boolean;
}

async function openLoop(app: BrokerApp, startAt: number, rate: number): Promise<number[]> {
  await sleep(Math.max(0, startAt - Date.now()));
  const api = app.client.forApp('PRICING');
  const total = Math.round((rate * WINDOW_MS) / 1_000);
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = nowMs();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((nowMs() - t0) * rate) / 1_000) + 1);
    for (; issued < due; issued++) {
      const scheduled = t0 + (issued * 1_000) / rate;
      pending.push(
        api
          .post('/quotes', { lineOfBusiness: 'marine', region: 'uk', insuredValue: 1_000_000 })
          .then(() => void latencies.push(nowMs() - scheduled)),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return latencies;
}

/** Starts a broker (refresh-ahead off or on); the token clock starts at `obtainAt` (epoch ms). */
async function oneRig(mode: Mode, env: RigEnv, obtainAt: Promise<void>, rate: number): Promise<RoundResult> {
  const refreshAheadSeconds = mode === 'on' ? REFRESH_AHEAD_ON_S : 0;
  const app = await startBrokerApp(
    bffBrokerOptions(env.emulator, env.echoUrl, { cache: { refreshAheadSeconds } }),
  );
  try {
    await obtainAt;
    const first = await app.broker.forApp('PRICING');
    const obtainedAt = Date.now();
    // Open this app's sockets before the steady window (the process is already warm).
    await warmHttp(app, 200);
    const boundary = first.expiresOnMs - TokenBrokerModule.DEFAULTS.minRemainingSeconds * 1_000;
    const steady = await openLoop(app, obtainedAt + STEADY_AFTER_MS, rate);
    const atBoundary = await openLoop(app, boundary - WINDOW_MS / 2, rate);
    await sleep(50);
    const after = await app.broker.forApp('PRICING');
    return { steady, boundary: atBoundary, renewed: after.expiresOnMs > first.expiresOnMs };
  } finally {
    await app.close();
  }
}

interface RigEnv {
  readonly emulator: BenchEmulator;
  readonly echoUrl: string;
}

function warmHttp(app: BrokerApp, count: number): Promise<unknown> {
  const api = app.client.forApp('PRICING');
  return pool(count, 10, () =>
    api.post('/quotes', { lineOfBusiness: 'marine', region: 'uk', insuredValue: 1 }),
  );
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const emulator = await startBenchEmulator({ users: 0, lifetimeSeconds: LIFETIME_S });
  const echo = await startEchoServer();
  const env: RigEnv = { emulator, echoUrl: echo.url };
  const results: Record<Mode, RoundResult[]> = { off: [], on: [] };
  try {
    // A token request to Entra from a cloud app takes a round trip of this order; over loopback the emulator
    // answers in ~2 ms, which would hide what a request waiting for the token service costs.
    await emulator.admin.injectFault({
      match: { grant: 'client_credentials' },
      latencyMs: TOKEN_SERVICE_LATENCY_MS,
    });
    progress('P5: warming up (JIT, sockets)');
    const warm = await startBrokerApp(bffBrokerOptions(emulator, echo.url));
    await warmHttp(warm, quick ? 300 : 1_500);
    await warm.close();
    for (let round = 0; round < plan.rounds; round++) {
      progress(`P5: round ${round + 1}/${plan.rounds} (refresh-ahead off, then on ${ON_DELAY_MS} ms later)`);
      // Both brokers boot first; the second obtains its token after the first one's steady window, so no
      // window of one overlaps the other's windows or warm-up (they share this process's event loop).
      const start = sleep(200);
      const [off, on] = await Promise.all([
        oneRig('off', env, start, plan.ratePerSecond),
        oneRig(
          'on',
          env,
          start.then(() => sleep(ON_DELAY_MS)),
          plan.ratePerSecond,
        ),
      ]);
      results.off.push(off);
      results.on.push(on);
    }
  } finally {
    await echo.close();
    await emulator.stop();
  }
  return report(plan, results, quick);
});

function report(plan: typeof PLAN, results: Record<Mode, RoundResult[]>, quick: boolean): FigureBody {
  // Median over rounds of each window's percentile: one round hit by a stall of the shared machine moves it little.
  const stat = (runs: RoundResult[], pick: (r: RoundResult) => number[], p: number): number =>
    median(runs.map((r) => percentile(pick(r), p)));
  const row = (label: string, runs: RoundResult[], pick: (r: RoundResult) => number[]) => ({
    label,
    values: {
      requests: runs.reduce((sum, r) => sum + pick(r).length, 0),
      'p50 ms': round(stat(runs, pick, 50)),
      'p99 ms': round(stat(runs, pick, 99)),
      'max ms': round(stat(runs, pick, 100)),
    },
  });
  const all = [...results.on, ...results.off];
  const steadyP99 = stat(all, (r) => r.steady, 99);
  const onP99 = stat(results.on, (r) => r.boundary, 99);
  const offP99 = stat(results.off, (r) => r.boundary, 99);
  const renewed = all.every((r) => r.renewed);
  return {
    id: 'expiry',
    title: 'P5 across token expiry',
    status: 'ran',
    method: `${plan.rounds} round(s); per round one broker with refresh-ahead off (0 s) and one with it on (${REFRESH_AHEAD_ON_S} s) obtaining its token ${ON_DELAY_MS} ms later (one process: no window overlaps another); token lifetime ${LIFETIME_S} s; token requests delayed ${TOKEN_SERVICE_LATENCY_MS} ms by the emulator (a token-service round trip); open-loop ${plan.ratePerSecond} req/s in ${WINDOW_MS} ms windows (steady: token 1.5–2.5 s old; boundary: b ± 0.5 s); client-credentials downstream through DownstreamClient to a loopback echo; latency from each request's scheduled start; medians over rounds of each window's percentile.`,
    columns: ['requests', 'p50 ms', 'p99 ms', 'max ms'],
    rows: [
      row('steady state (both brokers)', all, (r) => r.steady),
      row('across expiry, refresh-ahead off', results.off, (r) => r.boundary),
      row('across expiry, refresh-ahead on', results.on, (r) => r.boundary),
    ],
    targets: [
      {
        name: 'p99 across expiry, refresh-ahead on',
        goal: '≤ 1.2× steady state',
        measured: `${times(onP99 / steadyP99)} (off: ${times(offP99 / steadyP99)})`,
        met: onP99 <= 1.2 * steadyP99 && renewed,
      },
    ],
    notes: [
      ...(renewed
        ? []
        : ['A broker did not renew its token across the boundary: the window did not span an expiry.']),
      'Client credentials only: the emulator gives every token one lifetime, so a user token (the on-behalf-of assertion) always expires before the OBO token obtained with it, and the broker rightly never renews an OBO token whose assertion has < 30 s left; OBO renewal then follows the SPA renewing its token (a new cache key).',
      ...(quick ? ['--quick: one round, low rate; the harness only.'] : []),
    ],
  };
}
