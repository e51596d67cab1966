import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

import { loadRegistrations } from '@chain/local-tenant';
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

const root = repoRoot();
const PORT_VARS = [
  'EMULATOR_PORT',
  'BFF_PORT',
  'PROGRAM_PORT',
  'PRICING_PORT',
  'DOCUMENTS_PORT',
  'AZURITE_PORT',
  'WEB_PORT',
];

/** Free ports for every app of `npm start`, so the test never collides with a developer's own run. */
async function freePortEnv(): Promise<Record<string, string>> {
  const ports = await Promise.all(PORT_VARS.map(() => freePort()));
  return Object.fromEntries(PORT_VARS.map((name, i) => [name, String(ports[i])]));
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

  afterEach(() => {
    blocker?.close();
    if (start?.pid !== undefined && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
  });

  it('says which port is taken and by what, and starts nothing', async () => {
    const env = await freePortEnv();
    blocker = createServer().listen(Number(env['BFF_PORT']), '127.0.0.1');
    await new Promise((resolve) => blocker?.once('listening', resolve));
    const run = spawnSync(process.execPath, ['scripts/start.mjs'], {
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

  it('runs the chain until SIGTERM: prints the users and commands, and serves a user who signed in', async () => {
    const env = await freePortEnv();
    const logDir = join(root, 'test-artifacts', 'logs', `npm-start-${Date.now()}`);
    mkdirSync(logDir, { recursive: true });
    start = spawn(process.execPath, ['scripts/start.mjs'], {
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
    for (const text of [
      'alice@contoso-brokers.onmicrosoft.com',
      'Passw0rd!uma',
      'node scripts/get-token.mjs alice',
      `https://localhost:${env['EMULATOR_PORT']}`,
    ]) {
      expect(banner).toContain(text);
    }

    const registrations = loadRegistrations();
    const caPem = readFileSync(join(root, '.local', 'emulator', 'ca.pem'), 'utf8');
    const target = {
      emulatorUrl: `https://localhost:${env['EMULATOR_PORT']}`,
      tenantId: registrations.tenants[0]!.id,
      caPem,
      registrations,
    };
    const bff = new ApiClient(`http://127.0.0.1:${env['BFF_PORT']}`, await signIn(target, 'alice'));
    expect((await bff.get('/api/programmes')).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));
    process.kill(start.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    for (const name of PORT_VARS.filter((n) => n !== 'WEB_PORT'))
      expect(await portInUse(Number(env[name]))).toBe(false);
    await Promise.all(logs.map((log) => finished(log)));
    expect(scanLogsForLeaks(logDir, registeredSecrets(registrations))).toEqual([]);
  });
});
