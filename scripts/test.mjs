#!/usr/bin/env node
// `npm test`: every suite of the project, in the order a failure is cheapest to read.
//
//   unit       *.spec.ts beside the code (no processes)
//   e2e        apps/<app>/test and libs/<lib>/test: real modules, emulator, Azurite, Redis, PostgreSQL on loopback
//   compose    docker-compose.yml checked against each app's config validation, the import rules (no engine needed)
//   chain      every app as its own process, real MSAL, tokens obtained by signing in (needs `npm run build`)
//   browser    Debian's Chromium drives the SPA through the whole chain (skips with one line without Chromium)
//   containers the compose file through testcontainers (skips with one line without a Docker engine)
//
// The chain and browser suites run once per identity mode (entra, external-id, b2c): the same tests with
// IDENTITY_MODE set, as `chain:entra`, `chain:external-id`, `chain:b2c` (and `browser:<mode>`).
//
// Usage: npm test [-- <suite> ...]   e.g. `npm test -- unit e2e`, `npm test -- chain:b2c`, `npm test -- chain`
// Ends with one line `tests: N passed, N failed, N skipped` summed over the suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

const MODES = ['entra', 'external-id', 'b2c'];
const perMode = (suite) =>
  MODES.map((mode) => ({ ...suite, name: `${suite.name}:${mode}`, family: suite.name, mode }));
const suites = [
  { name: 'unit', config: 'jest.unit.config.js' },
  { name: 'e2e', config: 'jest.e2e.config.js' },
  { name: 'compose', config: 'jest.compose.config.js' },
  ...perMode({ name: 'chain', config: 'jest.chain.config.js', needsBuild: true }),
  ...perMode({ name: 'browser', config: 'jest.browser.config.js', needsBuild: true, needsWeb: true }),
  { name: 'containers', config: 'jest.containers.config.js' },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const matches = (suite, w) => suite.name === w || suite.family === w;
const selected = wanted.length ? suites.filter((s) => wanted.some((w) => matches(s, w))) : suites;
const unknown = wanted.filter((w) => !suites.some((s) => matches(s, w)));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

function run(cmd, args, extraEnv = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return result.status ?? 1;
}

let built = false;
let webBuilt = false;
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
for (const suite of selected) {
  if (!existsSync(join(root, suite.config))) {
    console.error(`[test] ${suite.name}: ${suite.config} is missing`);
    failures.push(suite.name);
    continue;
  }
  if (suite.needsBuild && !built) {
    console.log('[test] building (npm run build) for the process-level suites');
    if (run('npm', ['run', '--silent', 'build']) !== 0) {
      failures.push('build');
      break;
    }
    built = true;
  }
  if (suite.needsWeb && !webBuilt && readScript('build:web')) {
    if (run('npm', ['run', '--silent', 'build:web']) !== 0) {
      failures.push('build:web');
      continue;
    }
    webBuilt = true;
  }
  const out = join(artifacts, `jest-${suite.name.replace(':', '-')}.json`);
  rmSync(out, { force: true });
  console.log(`\n[test] ── ${suite.name} ──`);
  const env = suite.mode === undefined ? {} : { IDENTITY_MODE: suite.mode };
  const status = run('npx', ['jest', '-c', suite.config, '--json', `--outputFile=${out}`], env);
  const counts = readCounts(out);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (status !== 0) failures.push(suite.name);
}

function readScript(name) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return pkg.scripts?.[name];
}

function readCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return {
    passed: r.numPassedTests ?? 0,
    failed: (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0),
    skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  };
}

if (failures.length) console.error(`\n[test] failed: ${failures.join(', ')}`);
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
