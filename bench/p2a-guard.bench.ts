import { join } from 'node:path';

import { baseChildEnv, harnessRequest, launchChildApp, repoRoot, TestIssuer } from '@chain/testing';
import autocannon from 'autocannon';

import { type FigureBody, onStop, progress, runFigure } from './support/figure';
import { childrenCpu, cpuOf } from './support/process-cpu';
import { sideBySide } from './support/side-by-side';
import { median, round, times } from './support/stats';

/*
 * P2a — what the guard costs on one route when the token repeats (the common case: the SPA sends the same
 * token until it renews it): autocannon against one route behind AuthModule's global guard
 * (`@RequireScopes`) with one token, and against the same handler marked `@Public()`, in the same process
 * (bench/guard/guard-app-main.ts). Same concurrency and duration, rounds alternating which goes first.
 */

const TITLE = 'P2a guard on one route (repeated token)';
const PLAN = { rounds: 5, seconds: 5, warmupSeconds: 2, connections: 20 };
const QUICK = { rounds: 1, seconds: 1, warmupSeconds: 1, connections: 8 };
const LOG_LEVEL = 'info';
const AUDIENCE = 'api://guard-bench';
const APP = /guard-app-main\.ts/;
const METHOD = `autocannon in the bench process; one Nest app as its own process (PlatformModule + AuthModule from source through SWC, logs at ${LOG_LEVEL} piped to a file), JWKS from @chain/testing's TestIssuer on 127.0.0.1; the same handler as GET /protected (global JWT guard, @RequireScopes, one RS256 token sent on every request: the validated-token cache hits after the first) and GET /open (@Public()).`;

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly cpuMsPerRequest: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Load> {
  const before = cpuOf(childrenCpu(), APP);
  const result = await autocannon({ url, headers, duration: seconds, connections });
  const after = cpuOf(childrenCpu(), APP);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest: after > before ? (after - before) / result.requests.total : Number.NaN,
  };
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const root = repoRoot();
  const issuer = await TestIssuer.start();
  const logDir = join(
    root,
    'test-artifacts',
    'logs',
    `bench-p2a-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  progress('P2a: starting the app (guard + public route)');
  const { app, url } = await launchChildApp({
    name: 'guard-bench',
    command: process.execPath,
    args: [
      '-r',
      join(root, 'bench', 'support', 'swc-register.js'),
      join(root, 'bench', 'guard', 'guard-app-main.ts'),
    ],
    cwd: root,
    env: {
      ...baseChildEnv(),
      PORT: '0',
      LOG_LEVEL,
      GUARD_ISSUER: issuer.issuer,
      GUARD_JWKS_URI: issuer.jwksUri,
      GUARD_AUDIENCE: AUDIENCE,
    },
    logFile: join(logDir, 'guard-bench.log'),
  });
  const stop = async (): Promise<void> => {
    await app.stop();
    await issuer.stop();
  };
  const unregister = onStop(stop);
  try {
    const token = issuer.sign({ aud: AUDIENCE, oid: 'bench-user', scp: 'Quote.Read', name: 'Bench' });
    const headers = { authorization: `Bearer ${token}` };
    const protectedUrl = `${url}/protected`;
    const openUrl = `${url}/open`;
    // The guard must be there (401 without a token) and let this token through; the open route answers alone.
    const refused = await harnessRequest(protectedUrl);
    const accepted = await harnessRequest(protectedUrl, { headers });
    const open = await harnessRequest(openUrl);
    if (refused.status !== 401 || accepted.status !== 200 || open.status !== 200)
      throw new Error(
        `probe: protected without token ${refused.status} (want 401), with token ${accepted.status}, open ${open.status}`,
      );
    const guarded = (s: number): Promise<Load> => load(protectedUrl, headers, s, plan.connections);
    const bare = (s: number): Promise<Load> => load(openUrl, {}, s, plan.connections);
    const runs = await sideBySide('P2a', plan, guarded, bare);
    return report(plan, runs, quick);
  } finally {
    await stop();
    unregister();
  }
});

function report(plan: typeof PLAN, runs: { real: Load; base: Load }[], quick: boolean): FigureBody {
  const med = (pick: (r: { real: Load; base: Load }) => number): number => median(runs.map(pick));
  const row = (label: string, side: 'real' | 'base') => ({
    label,
    values: {
      'req/s': round(med((r) => r[side].rps)),
      'p50 ms': round(med((r) => r[side].p50)),
      'p99 ms': round(med((r) => r[side].p99)),
      'CPU ms/req': round(med((r) => r[side].cpuMsPerRequest)),
      'non-2xx': runs.reduce((sum, r) => sum + r[side].non2xx, 0),
      errors: runs.reduce((sum, r) => sum + r[side].errors, 0),
    },
  });
  const ratio = med((r) => r.real.rps / r.base.rps);
  const cpuRatio = med((r) => r.base.cpuMsPerRequest / r.real.cpuMsPerRequest);
  const clean = runs.every(
    (r) => r.real.non2xx === 0 && r.real.errors === 0 && r.base.non2xx === 0 && r.base.errors === 0,
  );
  return {
    id: 'guard',
    title: TITLE,
    status: 'ran',
    method: `${METHOD} ${plan.rounds} round(s) × ${plan.seconds} s per route, ${plan.connections} connections, after ${plan.warmupSeconds} s warm-up each.`,
    columns: ['req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'non-2xx', 'errors'],
    rows: [
      row('GET /protected: global guard, repeated token', 'real'),
      row('GET /open: same handler, @Public()', 'base'),
    ],
    targets: [
      {
        name: 'req/s protected ÷ unprotected',
        goal: '≥ 0.9',
        measured: `${times(ratio)} (rounds: ${runs.map((r) => round(r.real.rps / r.base.rps)).join(', ')})`,
        met: ratio >= 0.9 && clean,
      },
    ],
    notes: [
      `CPU-based ratio (unprotected CPU per request ÷ protected CPU per request): ${Number.isNaN(cpuRatio) ? 'not available (no /proc)' : times(cpuRatio)}.`,
      ...(clean ? [] : ['Some responses were not 2xx or failed: the ratio is not comparable.']),
      ...(quick ? ['--quick: one short round; the harness only.'] : []),
    ],
  };
}
