import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

import {
  identityEndpoints,
  loadChainManifest,
  loadRegistrationsFor,
  parseIdentityMode,
  portVariableOf,
  registrationsFileOf,
} from '@chain/local-tenant';
import {
  baseChildEnv,
  freePort,
  JWT_PATTERN,
  portInUse,
  registeredSecrets,
  repoRoot,
  scanLogsForLeaks,
  signIn,
} from '@chain/testing';

import { ApiClient } from './support/bff-api';

const root = repoRoot();
/** The identity mode of this run of the chain suite (scripts/test.mjs sets it). */
const MODE = parseIdentityMode(process.env['IDENTITY_MODE']);
/** Every port `npm start` binds: the emulator's, Azurite's, the SPA's and one per API of chain.yaml. */
const PORT_VARS = [
  'EMULATOR_PORT',
  'AZURITE_PORT',
  'WEB_PORT',
  ...loadChainManifest().apis.map((api) => portVariableOf(api.app)),
];

/**
 * Free ports for every app of `npm start` and a data dir of its own, so the test never collides with a
 * developer's own run (nor reuses their CA).
 */
async function isolatedEnv(dataDir: string): Promise<Record<string, string>> {
  const ports = await Promise.all(PORT_VARS.map(() => freePort()));
  return {
    ...Object.fromEntries(PORT_VARS.map((name, i) => [name, String(ports[i])])),
    EMULATOR_DATA_DIR: dataDir,
    IDENTITY_MODE: MODE,
  };
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
    child.once('exit', (code) => reject(new Error(`npm start exited with ${String(code)}:\n${output}`)));
  });
}

describe('npm start (scripts/start.mjs)', () => {
  let blocker: Server | undefined;
  let start: ChildProcess | undefined;
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'))));

  afterEach(() => {
    blocker?.close();
    if (start?.pid !== undefined && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which port is taken and by what, and starts nothing', async () => {
    const env = await isolatedEnv(dataDir);
    blocker = createServer().listen(Number(env['BFF_PORT']), '127.0.0.1');
    await new Promise((resolve) => blocker?.once('listening', resolve));
    const run = spawnSync(process.execPath, ['scripts/start.mjs', '--no-build'], {
      cwd: root,
      env: { ...baseChildEnv(), ...env },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `port ${env['BFF_PORT']} \\(bff\\) is taken by (node \\(pid ${process.pid}\\)|another process)`,
      ),
    );
    expect(await portInUse(Number(env['EMULATOR_PORT']))).toBe(false);
  });

  it('refuses an identity mode that does not exist, naming the modes, and starts nothing', async () => {
    const env: Record<string, string> = { ...(await isolatedEnv(dataDir)), IDENTITY_MODE: 'azure-ad' };
    const run = spawnSync(process.execPath, ['scripts/start.mjs', '--no-build'], {
      cwd: root,
      env: { ...baseChildEnv(), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('unknown identity mode "azure-ad"; use one of entra, external-id, b2c');
    expect(await portInUse(Number(env['EMULATOR_PORT']))).toBe(false);
  });

  it('refuses a registrations file of another kind than the mode, naming the fix', async () => {
    const other = MODE === 'b2c' ? 'entra' : 'b2c';
    const run = spawnSync(
      process.execPath,
      ['scripts/start.mjs', '--no-build', '--registrations', registrationsFileOf(other)],
      {
        cwd: root,
        env: { ...baseChildEnv(), ...(await isolatedEnv(dataDir)) },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`tenants[0].kind is ${other}, but the identity mode is ${MODE}`);
  });

  it('runs the chain until SIGTERM: prints the mode, users and commands, and serves a user who signed in', async () => {
    const env = await isolatedEnv(dataDir);
    const logDir = join(root, 'test-artifacts', 'logs', `npm-start-${Date.now()}`);
    mkdirSync(logDir, { recursive: true });
    start = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
      cwd: root,
      env: { ...baseChildEnv(), ...env },
      detached: true,
    });
    const logs = [
      createWriteStream(join(logDir, 'npm-start.log')),
      createWriteStream(join(logDir, 'npm-start.stderr.log')),
    ];
    start.stdout?.pipe(logs[0]!);
    start.stderr?.pipe(logs[1]!);
    const banner = await waitForOutput(start, 'Get a token and call the BFF', 120_000);
    const emulatorUrl = `https://localhost:${env['EMULATOR_PORT']}`;
    const modeEnv = MODE === 'entra' ? '' : `IDENTITY_MODE=${MODE} `;
    const tokenEnv = { EMULATOR_PUBLIC_URL: emulatorUrl, EMULATOR_DATA_DIR: dataDir, IDENTITY_MODE: MODE };
    const registrations = loadRegistrationsFor(MODE);
    const alice = registrations.users.find((u) => u.username.startsWith('alice'));
    for (const text of [
      `identity mode: ${MODE}`,
      alice?.username ?? 'alice',
      'Passw0rd!uma',
      `TOKEN=$(${modeEnv}EMULATOR_PUBLIC_URL=${emulatorUrl} EMULATOR_DATA_DIR=${dataDir} node scripts/get-token.mjs alice)`,
      `http://localhost:${env['BFF_PORT']}/api/programmes`,
      emulatorUrl,
    ]) {
      expect(banner).toContain(text);
    }

    // What the banner says to paste: get-token.mjs prints a token, curl sends it to the BFF.
    const printed = spawnSync(process.execPath, ['scripts/get-token.mjs', 'alice'], {
      cwd: root,
      env: { ...baseChildEnv(), ...tokenEnv },
      encoding: 'utf8',
    });
    expect(printed.stderr).toBe('');
    const accessToken = printed.stdout.trim();
    expect(accessToken).toMatch(JWT_PATTERN);
    const bff = new ApiClient(`http://127.0.0.1:${env['BFF_PORT']}`, { accessToken });
    expect((await bff.get('/api/programmes')).status).toBe(200);
    const claims = spawnSync(process.execPath, ['scripts/get-token.mjs', 'uma', '--claims-only'], {
      cwd: root,
      env: { ...baseChildEnv(), ...tokenEnv },
      encoding: 'utf8',
    });
    expect(claims.stdout).not.toMatch(JWT_PATTERN);
    expect(JSON.parse(claims.stdout)).toMatchObject({
      scp: 'access_as_user',
      oid: registrations.users.find((u) => u.username.startsWith('uma@'))?.oid,
    });

    const caPem = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
    const target = {
      emulatorUrl,
      tenantId: registrations.tenants[0]!.id,
      identity: identityEndpoints(registrations.tenants[0]!, { publicUrl: emulatorUrl }),
      caPem,
      registrations,
    };
    const bob = new ApiClient(`http://127.0.0.1:${env['BFF_PORT']}`, await signIn(target, 'bob'));
    expect((await bob.get('/api/me')).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));
    process.kill(start.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    for (const name of PORT_VARS.filter((n) => n !== 'WEB_PORT'))
      expect(await portInUse(Number(env[name]))).toBe(false);
    await Promise.all(logs.map((log) => finished(log)));
    expect(scanLogsForLeaks(logDir, registeredSecrets(registrations))).toEqual([]);
  });
});
