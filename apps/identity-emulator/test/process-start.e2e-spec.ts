import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startEmulator } from '../src/emulator';
import { httpsRequest } from './support/https-client';
import { TENANT_ID } from './support/test-emulator';

const MAIN = resolve(__dirname, '../src/main.ts');

interface Started {
  readonly child: ChildProcess;
  readonly line: { msg: string; url: string; caFile: string };
}

/** Starts `main.ts` as other engineers do and waits for its `listening` line. */
function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line !== undefined) ok({ child, line: JSON.parse(line) as Started['line'] });
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

describe('the emulator process and its data directory', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-emulator-dir-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('starts two processes at once against one fresh data directory with one CA and one signing key', async () => {
    const dataDir = freshDir();
    const env = { EMULATOR_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
    const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
    try {
      expect(a.line).toMatchObject({
        msg: 'listening',
        url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
        caFile: join(dataDir, 'ca.pem'),
      });
      const ca = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
      const keysOf = async (url: string): Promise<string[]> =>
        (await httpsRequest(`${url}/${TENANT_ID}/discovery/v2.0/keys`, ca))
          .json<{ keys: { kid: string }[] }>()
          .keys.map((k) => k.kid);
      const [kidsA, kidsB] = await Promise.all([keysOf(a.line.url), keysOf(b.line.url)]);
      expect(kidsA).toHaveLength(1);
      expect(kidsB).toEqual(kidsA);
      expect((await httpsRequest(`${b.line.url}/health/ready`, ca)).json()).toEqual({ status: 'ok' });
    } finally {
      await Promise.all([stop(a.child), stop(b.child)]);
    }
  });

  it('refuses to start with an invalid environment and names the variable', async () => {
    await expect(
      startProcess({
        EMULATOR_PUBLIC_URL: 'http://localhost:8443',
        PORT: '0',
        EMULATOR_DATA_DIR: freshDir(),
      }),
    ).rejects.toThrow(/EMULATOR_PUBLIC_URL: must be an https:\/\/ URL/);
  });

  it("refuses to start when the registrations' tenant is not of IDENTITY_MODE's kind, naming the fix", async () => {
    await expect(
      startProcess({
        IDENTITY_MODE: 'b2c',
        EMULATOR_REGISTRATIONS: resolve(__dirname, '../../../libs/local-tenant/registrations.yaml'),
        PORT: '0',
        EMULATOR_DATA_DIR: freshDir(),
      }),
    ).rejects.toThrow(/tenants\[0\]\.kind is entra, but the identity mode is b2c/);
  });

  it("serves IDENTITY_MODE's own registrations file", async () => {
    const dataDir = freshDir();
    const started = await startProcess({
      IDENTITY_MODE: 'external-id',
      PORT: '0',
      EMULATOR_DATA_DIR: dataDir,
    });
    try {
      const ca = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
      const doc = await httpsRequest(
        `${started.line.url}/contosobrokersext.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
        ca,
      );
      expect(doc.json()['issuer']).toMatch(/^https:\/\/[0-9a-f-]{36}\.ciamlogin\.com\/[0-9a-f-]{36}\/v2\.0$/);
    } finally {
      await stop(started.child);
    }
  });

  it('re-issues the server certificate from the same CA when a hostname is added', async () => {
    const dataDir = freshDir();
    const first = await startEmulator({ dataDir });
    await first.close();
    const second = await startEmulator({ dataDir, hostnames: ['identity-emulator'] });
    try {
      const cert = new X509Certificate(readFileSync(join(dataDir, 'server.pem')));
      expect(cert.checkHost('identity-emulator')).toBe('identity-emulator');
      expect(cert.checkIssued(new X509Certificate(readFileSync(join(dataDir, 'ca.pem'))))).toBe(true);
      expect(second.caPem).toBe(first.caPem);
    } finally {
      await second.close();
    }
  });
});
