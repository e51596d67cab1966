#!/usr/bin/env node
// `npm run compose -- <compose arguments>`: docker-compose.yml through whichever Compose answers (the v2
// plugin `docker compose`, else Debian's v1 `docker-compose`), after checking what Compose itself would
// only report as "pull access denied": an image variable naming a stand-in image (`entra-api-chain/…`,
// never on a registry) that is not on this engine. docs/compose.md, "Offline".
//
//   npm run compose -- --env-file docker/standin/images.env up -d --build
//   node scripts/compose.mjs -- --check [--env-file FILE]     only the check; exit 0 when every image is there
//
// Exit codes: 2 a stand-in image is missing or no engine/Compose answers (the message names the fix),
// otherwise Compose's own.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STANDIN_PREFIX = 'entra-api-chain/';

/** KEY=VALUE lines (comments and blanks ignored), as Compose reads an --env-file or `.env`. */
export function parseEnvLines(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) out[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** The variables Compose will substitute: the shell's environment wins over the env file (Compose's rule). */
export function composeVariables(args, env = process.env, cwd = root) {
  const at = args.indexOf('--env-file');
  const file = at >= 0 ? resolve(cwd, args[at + 1] ?? '') : join(cwd, '.env');
  if (at >= 0 && !existsSync(file)) throw new UsageError(`--env-file ${args[at + 1] ?? ''}: no such file`);
  const fromFile = existsSync(file) ? parseEnvLines(readFileSync(file, 'utf8')) : {};
  const fromEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...fromFile, ...fromEnv };
}

class UsageError extends Error {}

const answers = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

/** Problems that stop `up` before Compose starts, each a sentence naming the fix; empty when none. */
export function preflight(variables) {
  if (!answers('docker', ['version']))
    return [
      'no Docker engine answers: start one (sudo dockerd --storage-driver=overlay2 --iptables=false &), docs/compose.md',
    ];
  return Object.entries(variables)
    .filter(([name, image]) => name.endsWith('_IMAGE') && image.startsWith(STANDIN_PREFIX))
    .filter(([, image]) => !answers('docker', ['image', 'inspect', image]))
    .map(
      ([name, image]) =>
        `${name}=${image} is not on this Docker engine and no registry has it: build the stand-ins with ` +
        `scripts/build-standin-images.sh, or unset ${name} to use the public image (docs/compose.md, "Offline")`,
    );
}

function composeCommand() {
  if (answers('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (answers('docker-compose', ['version'])) return ['docker-compose'];
  return undefined;
}

function main(argv) {
  // A leading `--` keeps Node 20 from reading a later `--env-file` as its own option (package.json passes it).
  if (argv[0] === '--') argv = argv.slice(1);
  const checkOnly = argv[0] === '--check';
  const args = checkOnly ? argv.slice(1) : argv;
  let problems;
  try {
    problems = preflight(composeVariables(args));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems = [error.message];
  }
  const compose = composeCommand();
  if (!checkOnly && compose === undefined)
    problems.push(
      'neither `docker compose` (v2) nor `docker-compose` (v1) answers: install one (docs/compose.md)',
    );
  for (const problem of problems) process.stderr.write(`compose: ${problem}\n`);
  if (problems.length > 0) return 2;
  if (checkOnly) return 0;
  const [command, ...lead] = compose;
  return spawnSync(command, [...lead, ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(main(process.argv.slice(2)));
