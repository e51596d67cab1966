#!/usr/bin/env node
/*
 * Self time by function of one or more V8 CPU profiles (`node --cpu-prof`, P2's BENCH_CPU_PROFILE):
 *   node bench/support/cpuprofile-top.mjs <file.cpuprofile | dir> [--top 30] [--by function|package]
 * Prints each function's (or package's) share of the busy time (idle samples left out), highest first;
 * GC and native code are entries like any other.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const top = Number(option('--top', '30'));
const by = option('--by', 'function');
const inputs = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(p, f))
    : [p],
);
if (files.length === 0) {
  console.error('usage: cpuprofile-top.mjs <file.cpuprofile | dir> [--top N] [--by function|package]');
  process.exit(2);
}

/** Where a frame's code lives: a package under node_modules, a repository folder, or node's own code. */
function packageOf(url) {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:*';
  const m = /\/(apps\/[^/]+|libs\/[^/]+|bench)\//.exec(url);
  return m ? m[1] : url;
}

const self = new Map();
let total = 0;
let idle = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += dt;
      return;
    }
    const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs|dist)\//, '$1/');
    const key =
      by === 'package'
        ? packageOf(url)
        : `${functionName || '(anonymous)'}  ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(
  `${files.length} profile(s): ${(total / 1e6).toFixed(1)} s busy (${(idle / 1e6).toFixed(1)} s idle, left out); self time by ${by}:`,
);
for (const [key, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
