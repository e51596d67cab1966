import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ServiceApp } from '@chain/local-tenant';
import {
  baseChildEnv,
  type Chain,
  type ChildApp,
  harnessRequest,
  launchChildApp,
  repoRoot,
  signIn,
  startChain,
} from '@chain/testing';
import autocannon from 'autocannon';

import { BASELINE_PROGRAMME_ID } from './baseline/baseline-program.module';
import { type FigureBody, notRun, onStop, progress, runFigure } from './support/figure';
import { childrenCpu, cpuOf } from './support/process-cpu';
import { sideBySide } from './support/side-by-side';
import { median, round, sleep, times } from './support/stats';

/*
 * P2 — what authentication costs along the chain: autocannon against the bff's quote route
 * (GET /api/programmes/:id/quote: program-service on-behalf-of + pricing-service client credentials, every
 * hop validating its token; caches warm) and against bench-only baseline servers with the same three
 * services, routes and handler shapes and no authentication (bench/baseline/). Same concurrency and
 * duration, rounds alternating which one goes first; medians over rounds.
 */

const TITLE = 'P2 chain overhead (quote route)';
const PLAN = { rounds: 3, seconds: 8, warmupSeconds: 3, connections: 20 };
const QUICK = { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 8 };
const LOG_LEVEL = 'info';
const CHAIN_APPS = [ServiceApp.Bff, ServiceApp.Program, ServiceApp.Pricing];
const METHOD = `autocannon in the bench process, all servers as their own processes on 127.0.0.1 (logs at ${LOG_LEVEL}, piped to files through the harness for both); real chain from dist/ started by @chain/testing startChain (CHAIN_TRACE off, as in production) with user alice signed in through the emulator's login form; baseline = bench/baseline (PlatformModule, same routes, PGlite read, axios forwarding, no tokens).`;

type Service = 'bff' | 'program' | 'pricing';

/**
 * `BENCH_CPU_PROFILE=<dir>`: every service of both sides runs under a V8 CPU profiler
 * (bench/support/cpu-profile.js), writing `<dir>/<side>-<service>/<pid>.cpuprofile` when it stops; read
 * them with bench/support/cpuprofile-top.mjs. Profiling costs CPU itself: a profiled run's figures are
 * not figures.
 */
function profiling(root: string, side: 'real' | 'base', service: Service): Record<string, string> {
  const dir = process.env['BENCH_CPU_PROFILE'];
  if (!dir) return {};
  return {
    NODE_OPTIONS: `--require=${join(root, 'bench', 'support', 'cpu-profile.js')}`,
    CPU_PROFILE_DIR: join(dir, `${side}-${service}`),
  };
}

const SERVICE_NAMES: readonly Service[] = ['bff', 'program', 'pricing'];

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  /** CPU milliseconds each service used per request (user + system, from /proc; NaN elsewhere). */
  readonly cpuMsPerRequest: Readonly<Record<Service, number>>;
}

/** Each side's services, by command line (the emulator is idle once the caches are warm). */
const SERVICES: Record<'real' | 'base', Record<Service, RegExp>> = {
  real: {
    bff: /dist\/apps\/bff\/src\/main\.js/,
    program: /dist\/apps\/program-service\/src\/main\.js/,
    pricing: /dist\/apps\/pricing-service\/src\/main\.js/,
  },
  base: {
    bff: /baseline-main\.ts bff/,
    program: /baseline-main\.ts program/,
    pricing: /baseline-main\.ts pricing/,
  },
};

function cpuBy(side: 'real' | 'base'): Record<Service, number> {
  const children = childrenCpu();
  return {
    bff: cpuOf(children, SERVICES[side].bff),
    program: cpuOf(children, SERVICES[side].program),
    pricing: cpuOf(children, SERVICES[side].pricing),
  };
}

async function load(
  side: 'real' | 'base',
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Load> {
  const before = cpuBy(side);
  const result = await autocannon({ url, headers, duration: seconds, connections });
  const after = cpuBy(side);
  const perRequest = (s: Service): number =>
    after[s] > before[s] ? (after[s] - before[s]) / result.requests.total : Number.NaN;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest: {
      bff: perRequest('bff'),
      program: perRequest('program'),
      pricing: perRequest('pricing'),
    },
  };
}

const totalCpu = (l: Load): number => SERVICE_NAMES.reduce((sum, s) => sum + l.cpuMsPerRequest[s], 0);

async function startBaseline(root: string, logDir: string): Promise<{ bff: string; stop(): Promise<void> }> {
  const started: ChildApp[] = [];
  const launch = async (app: string, env: Record<string, string> = {}): Promise<string> => {
    const { app: child, url } = await launchChildApp({
      name: `baseline-${app}`,
      command: process.execPath,
      args: [
        '-r',
        join(root, 'bench', 'support', 'swc-register.js'),
        join(root, 'bench', 'baseline', 'baseline-main.ts'),
        app,
      ],
      cwd: root,
      env: { ...baseChildEnv(), PORT: '0', LOG_LEVEL, ...profiling(root, 'base', app as Service), ...env },
      logFile: join(logDir, `baseline-${app}.log`),
    });
    started.push(child);
    return url;
  };
  const stop = async (): Promise<void> => void (await Promise.all(started.map((c) => c.stop())));
  try {
    const [program, pricing] = await Promise.all([launch('program'), launch('pricing')]);
    const bff = await launch('bff', { BASELINE_PROGRAM_URL: program, BASELINE_PRICING_URL: pricing });
    return { bff, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The chain, or why it cannot run here (not built, an app that does not start). */
async function chainOrReason(root: string): Promise<Chain | string> {
  const missing = CHAIN_APPS.filter((app) => !existsSync(join(root, 'dist', 'apps', app, 'src', 'main.js')));
  if (missing.length > 0)
    return `${missing.map((a) => `dist/apps/${a}`).join(', ')} missing: run \`npm run build\` first`;
  try {
    // The call-chain inspector (CHAIN_TRACE) is a local demo feature, off in production and here.
    const service: Record<string, Service> = {
      [ServiceApp.Bff]: 'bff',
      [ServiceApp.Program]: 'program',
      [ServiceApp.Pricing]: 'pricing',
    };
    const env = Object.fromEntries(
      CHAIN_APPS.map((app) => [app, { CHAIN_TRACE: 'false', ...profiling(root, 'real', service[app]!) }]),
    );
    const start = (): Promise<Chain> =>
      startChain({ apps: CHAIN_APPS, label: 'bench-p2', logLevel: LOG_LEVEL, env });
    // dist/ may be in the middle of a rebuild (tsc writes before tsc-alias rewrites the aliases): retry once.
    return await start().catch(async (error: unknown) => {
      if (!String(error).includes('Cannot find module')) throw error;
      progress('P2: dist/ looks half-built (a build is running?); retrying in 20 s');
      await sleep(20_000);
      return start();
    });
  } catch (error) {
    // startChain quotes the child's last output: keep its first line and the first error line from it.
    const lines = (error instanceof Error ? error.message : String(error)).split('\n');
    const cause = lines
      .slice(1)
      .find((l) => /error/i.test(l))
      ?.trim();
    return `the chain did not start: ${lines[0]}${cause ? ` ${cause}` : ''} (logs: test-artifacts/logs/bench-p2-*)`;
  }
}

/** The quote route of one of alice's programmes, checked to answer 200, or why not. */
async function quoteRoute(
  chain: Chain,
  headers: Record<string, string>,
): Promise<string | { reason: string }> {
  const bff = chain.url(ServiceApp.Bff);
  const list = await harnessRequest(`${bff}/api/programmes`, { headers });
  const id =
    list.status === 200 ? list.json<{ programmes: { id: string }[] }>().programmes[0]?.id : undefined;
  if (id === undefined)
    return { reason: `GET /api/programmes as alice answered ${list.status} with no programme` };
  const url = `${bff}/api/programmes/${id}/quote`;
  const probe = await harnessRequest(url, { headers });
  if (probe.status !== 200)
    return { reason: `the quote route answered ${probe.status}: ${probe.text().slice(0, 200)}` };
  return url;
}

interface Sides {
  readonly real: string;
  readonly base: string;
  readonly headers: Record<string, string>;
}

/** Warm-up, then rounds alternating which side goes first. */
async function measure(plan: typeof PLAN, sides: Sides): Promise<{ real: Load; base: Load }[]> {
  const real = (seconds: number): Promise<Load> =>
    load('real', sides.real, sides.headers, seconds, plan.connections);
  const base = (seconds: number): Promise<Load> => load('base', sides.base, {}, seconds, plan.connections);
  return sideBySide('P2', plan, real, base);
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const root = repoRoot();
  progress('P2: starting the chain (emulator, bff, program-service, pricing-service)');
  const chain = await chainOrReason(root);
  if (typeof chain === 'string') return notRun('chain', TITLE, METHOD, chain);
  const unregister = onStop(() => chain.stop());
  let baseline: { bff: string; stop(): Promise<void> } | undefined;
  try {
    const headers = (await signIn(chain, 'alice')).authorization();
    const real = await quoteRoute(chain, headers);
    if (typeof real !== 'string') return notRun('chain', TITLE, METHOD, real.reason);
    progress('P2: starting the baseline (bench/baseline: no authentication)');
    baseline = await startBaseline(root, chain.logDir);
    const base = `${baseline.bff}/api/programmes/${BASELINE_PROGRAMME_ID}/quote`;
    const baseProbe = await harnessRequest(base);
    if (baseProbe.status !== 200) throw new Error(`the baseline quote route answered ${baseProbe.status}`);
    const runs = await measure(plan, { real, base, headers });
    const exited = chain.exitedProcesses();
    if (exited.length > 0) throw new Error(`chain processes exited: ${exited.join(', ')}`);
    return report(plan, runs, quick);
  } finally {
    await baseline?.stop();
    await chain.stop();
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
      'CPU ms/req bff': round(med((r) => r[side].cpuMsPerRequest.bff)),
      'CPU ms/req program': round(med((r) => r[side].cpuMsPerRequest.program)),
      'CPU ms/req pricing': round(med((r) => r[side].cpuMsPerRequest.pricing)),
      'non-2xx': runs.reduce((sum, r) => sum + r[side].non2xx, 0),
      errors: runs.reduce((sum, r) => sum + r[side].errors, 0),
    },
  });
  const ratio = med((r) => r.real.rps / r.base.rps);
  const cpuRatio = med((r) => totalCpu(r.base) / totalCpu(r.real));
  const clean = runs.every(
    (r) => r.real.non2xx === 0 && r.real.errors === 0 && r.base.non2xx === 0 && r.base.errors === 0,
  );
  return {
    id: 'chain',
    title: TITLE,
    status: 'ran',
    method: `${METHOD} ${plan.rounds} round(s) × ${plan.seconds} s per side, ${plan.connections} connections, after ${plan.warmupSeconds} s warm-up each.`,
    columns: [
      'req/s',
      'p50 ms',
      'p99 ms',
      'CPU ms/req bff',
      'CPU ms/req program',
      'CPU ms/req pricing',
      'non-2xx',
      'errors',
    ],
    rows: [
      row('bff → program (OBO) + pricing (CC), authenticated', 'real'),
      row('baseline: same routes, no authentication', 'base'),
    ],
    targets: [
      {
        name: 'req/s authenticated ÷ baseline',
        goal: '≥ 0.85',
        measured: `${times(ratio)} (rounds: ${runs.map((r) => round(r.real.rps / r.base.rps)).join(', ')})`,
        met: ratio >= 0.85 && clean,
      },
    ],
    notes: [
      `CPU-based ratio (baseline CPU per request ÷ authenticated CPU per request, an estimate of the req/s ratio on an idle machine, little affected by other load): ${Number.isNaN(cpuRatio) ? 'not available (no /proc)' : times(cpuRatio)}.`,
      ...(clean ? [] : ['Some responses were not 2xx or failed: the ratio is not comparable.']),
      "The baseline has no user-level rules (program-service also reads the caller's membership) and no caller allow-list: what OBO and app roles exist for is charged to authentication here.",
      ...(quick ? ['--quick: one short round; the harness only.'] : []),
    ],
  };
}
