#!/usr/bin/env node
/*
 * `npm run bench` — the performance figures of docs/performance.md, side by side with their baselines, in
 * one run. Each figure runs as its own process (bench/*.bench.ts through SWC: Nest needs decorator
 * metadata) and reports JSON; this script writes bench/results/ (markdown + JSON, git-ignored) and prints
 * a summary.
 *
 *   npm run bench                    all figures (P1–P5 under 5 minutes on 2 cores; the P6 soak takes longer)
 *   npm run bench -- --quick         tiny counts: proves the harness works (CI); numbers not meaningful
 *   npm run bench -- --only validate one or more figures (comma list): validate, chain, guard, economy, replicas, expiry, soak
 *   npm run bench -- --strict        exit 1 when a target is missed (default: only on harness failure)
 *
 * Exit status: 1 when a figure fails to run (a harness failure) or, with --strict, misses a target;
 * a figure whose prerequisite is absent (no Redis, chain not built) reports "not run: <reason>" and exits 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const register = join(root, 'bench', 'support', 'swc-register.js');

const FIGURES = [
  // emulator: the figure starts the bench's own emulator process(es) from the prepared data folder.
  { id: 'validate', name: 'P1', file: 'bench/p1-validation.bench.ts', timeoutS: [90, 180], emulator: false },
  { id: 'chain', name: 'P2', file: 'bench/p2-chain.bench.ts', timeoutS: [120, 240], emulator: false },
  { id: 'guard', name: 'P2a', file: 'bench/p2a-guard.bench.ts', timeoutS: [60, 120], emulator: false },
  { id: 'economy', name: 'P3', file: 'bench/p3-economy.bench.ts', timeoutS: [90, 180], emulator: true },
  { id: 'replicas', name: 'P4', file: 'bench/p4-replicas.bench.ts', timeoutS: [90, 180], emulator: true },
  { id: 'expiry', name: 'P5', file: 'bench/p5-expiry.bench.ts', timeoutS: [90, 180], emulator: true },
  { id: 'soak', name: 'P6', file: 'bench/p6-soak.bench.ts', timeoutS: [120, 2400], emulator: true },
];

function parseArgs(argv) {
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '') : '';
  const wanted = only ? only.split(',').map((s) => s.trim().toLowerCase()) : [];
  const unknown = wanted.filter((w) => !FIGURES.some((f) => f.id === w || f.name.toLowerCase() === w));
  if (unknown.length > 0) {
    console.error(`unknown figure(s): ${unknown.join(', ')}; known: ${FIGURES.map((f) => f.id).join(', ')}`);
    process.exit(2);
  }
  return {
    quick: argv.includes('--quick'),
    strict: argv.includes('--strict'),
    figures: FIGURES.filter(
      (f) => wanted.length === 0 || wanted.includes(f.id) || wanted.includes(f.name.toLowerCase()),
    ),
  };
}

function machine() {
  const cpu = cpus();
  return {
    nproc: cpu.length,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
  };
}

/** Emulator TLS material and signing keys made once, so every figure process can trust the CA from its start. */
function prepareEmulatorData() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-emulator-'));
  const prepared = spawnSync(
    process.execPath,
    ['-r', register, join(root, 'bench', 'support', 'emulator-main.ts'), '--prepare'],
    { cwd: root, env: { ...process.env, BENCH_EMULATOR_DATA_DIR: dir }, stdio: 'inherit', timeout: 60_000 },
  );
  if (prepared.status !== 0) throw new Error('could not prepare the emulator data folder');
  return dir;
}

function runFigureProcess(figure, options, dataDir, outDir) {
  const out = join(outDir, `${figure.id}.json`);
  const args = ['--enable-source-maps', '-r', register, join(root, figure.file), '--out', out];
  if (options.quick) args.push('--quick');
  const timeoutMs = figure.timeoutS[options.quick ? 0 : 1] * 1_000;
  return new Promise((resolve) => {
    // Own process group, so a figure that overruns is stopped together with the processes it started.
    const child = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ...(dataDir
          ? { BENCH_EMULATOR_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: join(dataDir, 'ca.pem') }
          : {}),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    });
    let timedOut = false;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    // SIGTERM first: the figure stops what it started in other process groups (the chain), then SIGKILL.
    let killTimer;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (code === 0 && existsSync(out)) return resolve(JSON.parse(readFileSync(out, 'utf8')));
      const why = timedOut ? `timed out after ${timeoutMs / 1_000} s` : `exited with ${code}`;
      resolve({
        id: figure.id,
        title: figure.name,
        status: 'failed',
        reason: why,
        rows: [],
        targets: [],
        notes: [],
      });
    });
  });
}

function markdownTable(result) {
  if (result.rows.length === 0) return '';
  const columns = result.columns;
  const head = `| ${[''].concat(columns).join(' | ')} |`;
  const rule = `|${['---'].concat(columns.map(() => '---:')).join('|')}|`;
  const body = result.rows.map(
    (r) => `| ${[r.label].concat(columns.map((c) => String(r.values[c] ?? ''))).join(' | ')} |`,
  );
  return [head, rule, ...body].join('\n');
}

function markdown(results, info) {
  const lines = [
    `# Benchmark results${info.quick ? ' (--quick: harness check, not figures)' : ''}`,
    '',
    `${info.date} · ${info.machine.nproc} × ${info.machine.cpu} · Node ${info.machine.node} · ${info.machine.platform} · ` +
      `load average ${info.machine.loadAverage1m} at start, ${info.loadAverage1mAtEnd} at end · ${Math.round(info.durationMs / 1_000)} s`,
    '',
    '| figure | target | measured | |',
    '|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.status !== 'ran')
      lines.push(`| ${r.title} | | ${r.status === 'failed' ? 'FAILED' : 'not run'}: ${r.reason} | |`);
    for (const t of r.targets ?? [])
      lines.push(`| ${r.title} — ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`);
  }
  for (const r of results) {
    lines.push('', `## ${r.title}`, '');
    if (r.status !== 'ran') {
      lines.push(`${r.status === 'failed' ? 'FAILED' : 'Not run'}: ${r.reason}`);
      if (r.method) lines.push('', `Method: ${r.method}`);
      continue;
    }
    lines.push(`Method: ${r.method}`, '', markdownTable(r));
    if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`));
  }
  return `${lines.join('\n')}\n`;
}

function summary(results) {
  const lines = ['', 'Summary'];
  for (const r of results) {
    if (r.status !== 'ran')
      lines.push(`  ${r.status === 'failed' ? 'FAIL' : 'skip'}  ${r.title}: ${r.reason}`);
    for (const t of r.targets ?? [])
      lines.push(`  ${t.met ? ' ok ' : 'MISS'}  ${r.title} — ${t.name}: ${t.measured} (target ${t.goal})`);
  }
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const before = machine();
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const outDir = mkdtempSync(join(tmpdir(), 'bench-out-'));
  const dataDir = options.figures.some((f) => f.emulator) ? prepareEmulatorData() : undefined;
  const results = [];
  try {
    for (const figure of options.figures) {
      console.log(`\n${figure.name} ${figure.id}${options.quick ? ' (--quick)' : ''}`);
      results.push(await runFigureProcess(figure, options, dataDir, outDir));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const info = {
    date: new Date().toISOString(),
    machine: before,
    loadAverage1mAtEnd: Number(loadavg()[0].toFixed(2)),
    quick: options.quick,
    durationMs: Date.now() - started,
  };
  const stamp = info.date.replace(/[:.]/g, '-');
  const json = JSON.stringify({ ...info, results }, null, 2);
  const md = markdown(results, info);
  for (const name of [`bench-${stamp}`, 'latest']) {
    writeFileSync(join(resultsDir, `${name}.json`), json);
    writeFileSync(join(resultsDir, `${name}.md`), md);
  }
  console.log(summary(results));
  console.log(`\nResults: bench/results/bench-${stamp}.md (and latest.md / latest.json)`);
  const failed = results.some((r) => r.status === 'failed');
  const missed = results.some((r) => (r.targets ?? []).some((t) => !t.met));
  process.exit(failed || (options.strict && missed) ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
