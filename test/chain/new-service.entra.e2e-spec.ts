import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';

import {
  identityEndpoints,
  loadChainManifest,
  loadRegistrationsFor,
  portVariableOf,
  registrationsFileOf,
} from '@chain/local-tenant';
import {
  baseChildEnv,
  freePort,
  portInUse,
  registeredSecrets,
  repoRoot,
  scanLogsForLeaks,
  signIn,
} from '@chain/testing';

import { ApiClient } from './support/bff-api';

/**
 * `npm run new:service -- notes-service` in a temporary copy of the repository (docs/adding-a-downstream.md):
 * the generator touches only the new service, nest-cli.json, chain.yaml, the registrations files and the
 * derived compose files; the copy then type-checks, lints, passes the new service's tests and builds; and
 * `npm start` runs the chain with the new service, which the BFF relays to on behalf of each user.
 * Entra mode only: the generator writes every mode's registrations at once.
 */
const root = repoRoot();
const SERVICE = 'notes-service';
const RELAY = '/api/relay/notes/items';
/** What the generator may write or change, besides nothing else. */
const FOOTPRINT = [
  /^apps\/notes-service\//,
  /^nest-cli\.json$/,
  /^chain\.yaml$/,
  /^libs\/local-tenant\/registrations(\.[a-z0-9-]+)?\.yaml$/,
  /^docker\/env\//,
  /^docker-compose\.yml$/,
];
const logDir = join(root, 'test-artifacts', 'logs', `new-service-${Date.now()}`);

/**
 * A copy of the working tree as git sees it (tracked files and untracked ones not ignored: the branch's
 * changes included), with node_modules linked and no dist; committed, so that `git status` shows what the
 * generator does.
 */
function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), 'new-service-copy-'));
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (file === 'node_modules' || file.startsWith('node_modules/')) continue;
    const from = join(root, file);
    // A file deleted in the working tree is still listed until it is staged.
    if (!existsSync(from) || lstatSync(from).isDirectory()) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(from, join(copy, file));
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'));
  git(copy, ['init', '-q']);
  git(copy, ['add', '-A']);
  git(copy, ['-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', 'base']);
  return copy;
}

function git(cwd: string, args: string[]): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** Runs a command in `cwd`, its output to a log file of its own; returns the status and the output. */
function step(
  name: string,
  cwd: string,
  command: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): { status: number | null; output: string } {
  const run = spawnSync(command, args, {
    cwd,
    env: { ...baseChildEnv(), ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  writeFileSync(join(logDir, `${name}.log`), `$ ${command} ${args.join(' ')}\n${output}`);
  return { status: run.status, output };
}

/** Resolves with the output so far once `text` appears on stdout; rejects if the process ends first. */
function waitForOutput(child: ChildProcess, text: string, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${String(code)}:\n${output}`));
    });
  });
}

describe('npm run new:service (a downstream in one command)', () => {
  let copy: string;
  let generated: string[] = [];
  let start: ChildProcess | undefined;
  let dataDir: string | undefined;

  beforeAll(() => {
    mkdirSync(logDir, { recursive: true });
    copy = copyRepository();
  });

  afterAll(() => {
    if (start?.pid !== undefined && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  });

  it('refuses a bad name, an existing app and a colliding downstream name, writing nothing', () => {
    for (const [args, message] of [
      [['Notes_Service'], 'is not a kebab-case name'],
      [['program-service'], 'program-service is in chain.yaml already'],
      [['program'], "downstream name PROGRAM is program-service's already"],
      [[SERVICE, '--port', '3001'], "port 3001 is program-service's"],
    ] as const) {
      const run = step(
        `refusal-${args[0]}`,
        copy,
        'npm',
        ['run', '--silent', 'new:service', '--', ...args],
        60_000,
      );
      expect([args, run.status]).toEqual([args, 1]);
      expect(run.output).toContain(message);
      expect(run.output).toContain('Nothing was written.');
      expect(git(copy, ['status', '--porcelain'])).toBe('');
    }
  }, 300_000);

  it('writes the service, its registrations, its manifest entry and the derived compose files, nothing else', () => {
    const run = step('generator', copy, 'npm', ['run', '--silent', 'new:service', '--', SERVICE], 240_000);

    git(copy, ['add', '-A']);
    const changed = git(copy, ['diff', '--cached', '--name-only']).split('\n').filter(Boolean);
    generated = changed.filter((path) => path.startsWith('apps/') && path.endsWith('.ts'));
    const numstat = git(copy, ['diff', '--cached', '--numstat'])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'));
    const size = (rows: string[][]) => rows.reduce((sum, [added]) => sum + Number(added), 0);
    const service = numstat.filter(([, , path]) => path!.startsWith('apps/'));
    const rest = numstat.filter(([, , path]) => !path!.startsWith('apps/'));
    const summary =
      `new:service footprint: ${numstat.length} files, +${size(numstat)} lines ` +
      `(the service: ${service.length} files, +${size(service)}; the rest: ${rest.length} files, +${size(rest)}: ` +
      `${rest.map(([added, , path]) => `${path} +${added}`).join(', ')})`;
    writeFileSync(join(logDir, 'footprint.txt'), `${summary}\n`);
    console.log(summary);
    const outside = changed.filter((path) => !FOOTPRINT.some((allowed) => allowed.test(path)));
    expect(outside).toEqual([]);
    expect(changed).toEqual(
      expect.arrayContaining([
        'apps/notes-service/src/main.ts',
        'apps/notes-service/src/app.module.ts',
        'apps/notes-service/src/config/notes-service.config.ts',
        'apps/notes-service/test/app.e2e-spec.ts',
        'apps/notes-service/test/route-inventory.e2e-spec.ts',
        'nest-cli.json',
        'chain.yaml',
        'libs/local-tenant/registrations.yaml',
        'libs/local-tenant/registrations.external-id.yaml',
        'libs/local-tenant/registrations.b2c.yaml',
        'docker/env/entra/notes-service.env',
        'docker/env/entra/bff.env',
      ]),
    );
    // Last, so that the checks above report even when the compose refresh fails.
    expect(run.output).toContain(RELAY);
    expect(run.status).toBe(0);
    // A second run refuses: the app exists now.
    const again = step(
      'generator-again',
      copy,
      'npm',
      ['run', '--silent', 'new:service', '--', SERVICE],
      60_000,
    );
    expect(again.status).toBe(1);
  }, 360_000);

  it('type-checks, and the generated files pass eslint and prettier', () => {
    expect(generated.length).toBeGreaterThan(0);
    const tsc = step('tsc', copy, 'npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--noEmit'], 300_000);
    expect([tsc.status, tsc.output.trim()]).toEqual([0, '']);
    const eslint = step('eslint', copy, 'npx', ['--no-install', 'eslint', ...generated], 300_000);
    expect([eslint.status, eslint.output.trim()]).toEqual([0, '']);
    const prettier = step(
      'prettier',
      copy,
      'npx',
      ['--no-install', 'prettier', '--check', ...generated],
      60_000,
    );
    expect(prettier.status).toBe(0);
  }, 600_000);

  it("passes the new service's own tests (unit and e2e)", () => {
    for (const config of ['jest.unit.config.js', 'jest.e2e.config.js']) {
      const jest = step(
        `jest-${config}`,
        copy,
        'npx',
        ['--no-install', 'jest', '-c', config, `apps/${SERVICE}`],
        300_000,
      );
      expect([config, jest.status]).toEqual([config, 0]);
      expect(jest.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    }
  }, 600_000);

  it('builds', () => {
    const build = step('build', copy, 'npm', ['run', '--silent', 'build'], 400_000);
    expect([build.status, build.output.trim()]).toEqual([0, '']);
    expect(existsSync(join(copy, 'dist', 'apps', SERVICE, 'src', 'main.js'))).toBe(true);
  }, 600_000);

  it('runs under npm start, where the BFF relays to it on behalf of each user', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'new-service-start-'));
    const manifest = loadChainManifest(join(copy, 'chain.yaml'));
    const portVars = [
      'EMULATOR_PORT',
      'AZURITE_PORT',
      'WEB_PORT',
      ...manifest.apis.map((a) => portVariableOf(a.app)),
    ];
    const ports = await Promise.all(portVars.map(() => freePort()));
    const env: Record<string, string> = {
      ...Object.fromEntries(portVars.map((name, i) => [name, String(ports[i])])),
      EMULATOR_DATA_DIR: dataDir,
      IDENTITY_MODE: 'entra',
    };
    const startLogs = join(logDir, 'npm-start');
    mkdirSync(startLogs, { recursive: true });
    start = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
      cwd: copy,
      env: { ...baseChildEnv(), ...env },
      detached: true,
    });
    const logs = [
      createWriteStream(join(startLogs, 'npm-start.log')),
      createWriteStream(join(startLogs, 'npm-start.stderr.log')),
    ];
    start.stdout?.pipe(logs[0]!);
    start.stderr?.pipe(logs[1]!);
    const banner = await waitForOutput(start, 'Get a token and call the BFF', 180_000);
    expect(banner).toContain(SERVICE);

    const registrations = loadRegistrationsFor(
      'entra',
      registrationsFileOf('entra', join(copy, 'libs', 'local-tenant')),
    );
    const emulatorUrl = `https://localhost:${env['EMULATOR_PORT']}`;
    const target = {
      emulatorUrl,
      tenantId: registrations.tenants[0]!.id,
      identity: identityEndpoints(registrations.tenants[0]!, { publicUrl: emulatorUrl }),
      caPem: readFileSync(join(dataDir, 'ca.pem'), 'utf8'),
      registrations,
    };
    const bff = `http://127.0.0.1:${env['BFF_PORT']}`;
    const alice = new ApiClient(bff, await signIn(target, 'alice'));
    const bob = new ApiClient(bff, await signIn(target, 'bob'));

    const created = await alice.post(RELAY, { title: 'Call Northwind about the renewal' });
    expect([created.status, created.body]).toEqual([
      201,
      { id: expect.any(String), title: 'Call Northwind about the renewal', createdAt: expect.any(String) },
    ]);
    const id = created.body['id'] as string;
    const mine = await alice.get<{ items: { id: string }[] }>(RELAY);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((item) => item.id)).toEqual([id]);
    expect((await alice.get(`${RELAY}/${id}`)).status).toBe(200);
    // The user reached notes-service by OBO: bob, through the same BFF, sees none of alice's items.
    const theirs = await bob.get<{ items: unknown[] }>(RELAY);
    expect([theirs.status, theirs.body.items]).toEqual([200, []]);
    const hidden = await bob.get(`${RELAY}/${id}`);
    expect([hidden.status, hidden.body['code']]).toEqual([404, 'not_found']);
    expect((await alice.post(RELAY, { title: '' })).status).toBe(400);

    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));
    process.kill(start.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    for (const name of portVars.filter((n) => n !== 'WEB_PORT'))
      expect(await portInUse(Number(env[name]))).toBe(false);
    await Promise.all(logs.map((log) => finished(log)));
    expect(scanLogsForLeaks(logDir, registeredSecrets(registrations))).toEqual([]);
  }, 300_000);
});
