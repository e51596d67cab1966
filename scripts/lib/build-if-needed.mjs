// Decides whether `dist/` is stale and runs the build: `npm run build` for the Nest apps and libs,
// `apps/web/build.mjs` for the SPA (when the web app exists).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of the files under `dir` whose names end with one of `suffixes` (tests aside: the build skips them). */
function newestUnder(dir, suffixes) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(path, suffixes));
    else if (suffixes.some((s) => entry.name.endsWith(s)) && !entry.name.endsWith('spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Why the Nest build is needed ('' when dist is current). */
export function nestBuildReason(root, apps) {
  const outputs = apps.map((app) => join(root, 'dist', 'apps', app, 'src', 'main.js'));
  const missing = outputs.filter((o) => !existsSync(o));
  if (missing.length > 0) return 'dist/ is missing';
  // tsc emits even when type checking fails, and then tsc-alias never runs: such a dist/ cannot start.
  const unfinished = [...outputs, join(root, 'dist', 'libs', 'testing', 'src', 'index.js')].some(
    (file) => existsSync(file) && readFileSync(file, 'utf8').includes('require("@chain/'),
  );
  if (unfinished) return 'the last build did not finish';
  const oldestOutput = Math.min(...outputs.map(mtime));
  const sources = Math.max(
    newestUnder(join(root, 'libs'), ['.ts']),
    ...apps.map((app) => newestUnder(join(root, 'apps', app, 'src'), ['.ts'])),
    mtime(join(root, 'tsconfig.json')),
    mtime(join(root, 'tsconfig.build.json')),
  );
  return sources > oldestOutput ? 'sources changed since the last build' : '';
}

/** Why the web build is needed ('' when current or when there is no web app). */
export function webBuildReason(root) {
  const web = join(root, 'apps', 'web');
  if (!existsSync(join(web, 'build.mjs'))) return '';
  const server = join(web, 'dist', 'server.js');
  if (!existsSync(server)) return 'apps/web/dist is missing';
  const sources = Math.max(
    newestUnder(join(web, 'src'), ['.ts', '.css', '.html']),
    newestUnder(join(web, 'public'), ['']),
  );
  return sources > mtime(server) ? 'web sources changed' : '';
}

/** Runs a build command with inherited output; resolves with its duration, rejects naming the command. */
export function runBuild(root, label, command, args) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Date.now() - started);
      else reject(new Error(`${label} failed (${command} ${args.join(' ')} exited ${code ?? signal})`));
    });
  });
}
