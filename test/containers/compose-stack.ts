import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ComposeExecutableOptions } from 'testcontainers/build/container-runtime/clients/compose/types';

import { parseEnvFile, repoRoot } from '../compose/compose-file';

/**
 * What the container suite needs around docker-compose.yml besides testcontainers: which Compose
 * implementation to drive, which base images to use, and the containers of a project (by Compose's labels,
 * which name them the same under v1 and v2).
 */

/** The compose files of the suite: the demo file plus the test-only override (emulator admin endpoints). */
export const COMPOSE_FILES = ['docker-compose.yml', 'test/containers/docker-compose.test.yml'] as const;

/** The offline path's variables (docs/compose.md): the stand-in images of scripts/build-standin-images.sh. */
export const STANDIN_ENV_FILE = 'docker/standin/images.env';

/**
 * The Compose implementation that answers: the v2 plugin (`docker compose`, which has `up --wait`) or
 * Debian's v1.29 `docker-compose` (no `--wait`: testcontainers then waits for each container's
 * healthcheck itself). Undefined when neither does.
 */
export interface ComposeCli {
  readonly version: 1 | 2;
  /** The command and its leading arguments, e.g. `['docker', 'compose']`. */
  readonly argv: readonly string[];
  /** How testcontainers' compose client (the docker-compose npm package) must call it. */
  readonly executable?: ComposeExecutableOptions;
}

export function composeCli(): ComposeCli | undefined {
  if (answers('docker', ['compose', 'version'])) return { version: 2, argv: ['docker', 'compose'] };
  if (answers('docker-compose', ['version']))
    return { version: 1, argv: ['docker-compose'], executable: { standalone: true } };
  return undefined;
}

function answers(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Base images and build network for this run, and where they came from (printed by the suite). */
export interface ImageChoice {
  readonly variables: Readonly<Record<string, string>>;
  readonly source: string;
}

/**
 * The image variables of docker-compose.yml for this run: those set in the environment win; otherwise the
 * stand-ins of docker/standin/images.env when they are on this engine (a machine without a registry, CI);
 * otherwise none, so Compose pulls the public images.
 */
export function chooseImages(env: NodeJS.ProcessEnv = process.env): ImageChoice {
  const standins = parseEnvFile(readFileSync(join(repoRoot, STANDIN_ENV_FILE), 'utf8'));
  const fromEnv = Object.fromEntries(
    Object.keys(standins)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name] as string]),
  );
  if (Object.keys(fromEnv).length > 0) return { variables: fromEnv, source: 'the environment' };
  const imageNames = Object.entries(standins).filter(([name]) => name.endsWith('_IMAGE'));
  if (imageNames.every(([, image]) => imagePresent(image)))
    return { variables: standins, source: `${STANDIN_ENV_FILE} (stand-in images present on this engine)` };
  return { variables: {}, source: 'the defaults of docker-compose.yml (public images)' };
}

function imagePresent(image: string): boolean {
  return spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;
}

/** Runs the docker CLI; throws with its stderr when it fails. */
export function docker(args: readonly string[], options: { input?: string } = {}): string {
  const result: SpawnSyncReturns<string> = spawnSync('docker', args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.status !== 0)
    throw new Error(
      `docker ${args.slice(0, 2).join(' ')} failed: ${(result.stderr || result.stdout).trim()}`,
    );
  return result.stdout;
}

/** The container id of a service of a compose project (stopped ones too), from Compose's labels. */
export function containerOf(project: string, service: string): string {
  const ids = docker([
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ])
    .trim()
    .split('\n')
    .filter((id) => id !== '');
  if (ids.length !== 1)
    throw new Error(`project ${project}: ${ids.length} containers for service ${service}`);
  return ids[0] as string;
}

/** A container's whole log (stdout and stderr), as `docker logs` gives it. */
export function containerLogs(id: string): string {
  const result = spawnSync('docker', ['logs', id], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return `${result.stdout}${result.stderr}`;
}

/** Compose projects left by earlier runs of the suite (a killed run cannot clean up after itself). */
export function staleProjects(prefix: string): string[] {
  const labels = docker(['ps', '--all', '--format', '{{.Label "com.docker.compose.project"}}']);
  return [...new Set(labels.split('\n').filter((p) => p.startsWith(prefix)))];
}

/**
 * The emulator's test-only admin API (EMULATOR_TEST_ENDPOINTS=true in the test override) answers loopback
 * peers only, so it is called from inside the emulator's container, over HTTPS verified against its CA.
 */
export class ContainerEmulatorAdmin {
  constructor(private readonly container: string) {}

  async tokenRequests(): Promise<{ total: number; byKey: Record<string, number> }> {
    return JSON.parse(this.call('GET', '/_admin/token-requests')) as {
      total: number;
      byKey: Record<string, number>;
    };
  }

  async resetTokenRequests(): Promise<void> {
    this.call('POST', '/_admin/token-requests/reset');
  }

  private call(method: string, path: string): string {
    // The script reads its arguments from the environment: nothing is interpolated into code.
    const script = `
      const https = require('node:https');
      const req = https.request({ host: '127.0.0.1', servername: 'localhost', port: 8443,
        method: process.env.ADMIN_METHOD, path: process.env.ADMIN_PATH,
        ca: require('node:fs').readFileSync('/var/lib/emulator/ca.pem') }, (res) => {
        let body = ''; res.on('data', (c) => (body += c));
        res.on('end', () => { process.stdout.write(body); process.exit(res.statusCode < 300 ? 0 : 1); });
      });
      req.on('error', (e) => { process.stderr.write(e.message); process.exit(1); });
      req.end();`;
    return docker([
      'exec',
      '--env',
      `ADMIN_METHOD=${method}`,
      '--env',
      `ADMIN_PATH=${path}`,
      this.container,
      'node',
      '-e',
      script,
    ]);
  }
}
