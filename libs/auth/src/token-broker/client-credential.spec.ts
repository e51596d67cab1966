import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate } from 'selfsigned';

import {
  clientCredentialEnvIssues,
  clientCredentialFromEnv,
  FederatedTokenFileError,
  readFederatedToken,
} from './client-credential';
import { TokenBrokerConfigError } from './downstream-declarations.schema';

describe('client credential from the environment', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-credential-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('uses the client secret when one is set', () => {
    expect(clientCredentialFromEnv({ AUTH_CLIENT_SECRET: 'local-only' })).toEqual({
      kind: 'secret',
      secret: 'local-only',
    });
  });

  it('reads a certificate: its private key, SHA-256 thumbprint and x5c', async () => {
    const pems = await generate([{ name: 'commonName', value: 'bff' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const certPath = join(dir, 'app.pem');
    const keyPath = join(dir, 'app.key');
    writeFileSync(certPath, pems.cert);
    writeFileSync(keyPath, pems.private);
    const der = new X509Certificate(pems.cert).raw;
    expect(
      clientCredentialFromEnv({
        AUTH_CLIENT_CERTIFICATE_PATH: certPath,
        AUTH_CLIENT_CERTIFICATE_KEY_PATH: keyPath,
      }),
    ).toEqual({
      kind: 'certificate',
      privateKeyPem: pems.private,
      thumbprintSha256: createHash('sha256').update(der).digest('hex'),
      x5c: der.toString('base64'),
    });
  });

  it('names the variable and the file, never the content, when a certificate file is missing or wrong', () => {
    const notACert = join(dir, 'not-a-cert.pem');
    writeFileSync(notACert, 'private material that must not be echoed');
    expect(() =>
      clientCredentialFromEnv({
        AUTH_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem'),
        AUTH_CLIENT_CERTIFICATE_KEY_PATH: notACert,
      }),
    ).toThrow(/AUTH_CLIENT_CERTIFICATE_PATH: cannot read .*missing\.pem/);
    const message = messageOf(() =>
      clientCredentialFromEnv({
        AUTH_CLIENT_CERTIFICATE_PATH: notACert,
        AUTH_CLIENT_CERTIFICATE_KEY_PATH: notACert,
      }),
    );
    expect(message).toMatch(/is not a PEM certificate/);
    expect(message).not.toContain('private material');
  });

  it('selects the federated token file (workload identity) and checks it is readable at boot', () => {
    const file = join(dir, 'azure-identity-token');
    writeFileSync(file, 'header.payload.signature\n');
    expect(clientCredentialFromEnv({ AZURE_FEDERATED_TOKEN_FILE: file })).toEqual({
      kind: 'federated-token-file',
      tokenFilePath: file,
    });
  });

  it('refuses a missing or empty token file at boot, naming the file and the fix', () => {
    const missing = join(dir, 'no-such-token');
    const message = messageOf(() => clientCredentialFromEnv({ AZURE_FEDERATED_TOKEN_FILE: missing }));
    expect(message).toContain(
      `AZURE_FEDERATED_TOKEN_FILE: the federated token file ${missing} does not exist`,
    );
    expect(message).toMatch(/azure\.workload\.identity\/use/);
    const empty = join(dir, 'empty-token');
    writeFileSync(empty, '  \n');
    expect(() => clientCredentialFromEnv({ AZURE_FEDERATED_TOKEN_FILE: empty })).toThrow(
      TokenBrokerConfigError,
    );
    expect(() => clientCredentialFromEnv({ AZURE_FEDERATED_TOKEN_FILE: empty })).toThrow(/is empty/);
  });

  it('asks for exactly one credential', () => {
    const variables = (env: Record<string, string>) => clientCredentialEnvIssues(env).map((i) => i.variable);
    expect(variables({})).toEqual(['AUTH_CLIENT_SECRET']);
    expect(variables({ AZURE_FEDERATED_TOKEN_FILE: '/t' })).toEqual([]);
    expect(variables({ AUTH_CLIENT_SECRET: 's', AZURE_FEDERATED_TOKEN_FILE: '/t' })).toEqual([
      'AZURE_FEDERATED_TOKEN_FILE',
    ]);
    expect(variables({ AUTH_CLIENT_CERTIFICATE_PATH: '/c' })).toEqual(['AUTH_CLIENT_CERTIFICATE_KEY_PATH']);
    expect(variables({ AUTH_CLIENT_SECRET: 's', AUTH_CLIENT_CERTIFICATE_PATH: '/c' }).sort()).toEqual([
      'AUTH_CLIENT_CERTIFICATE_KEY_PATH',
      'AUTH_CLIENT_SECRET',
    ]);
  });
});

describe('readFederatedToken', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'federated-token-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file again at each call, so a rotated token is picked up', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first.token.value\n');
    await expect(readFederatedToken(file)).resolves.toBe('first.token.value');
    writeFileSync(file, 'second.token.value');
    await expect(readFederatedToken(file)).resolves.toBe('second.token.value');
  });

  it('fails with the file and the fix, never its content, when the file is gone, unreadable or empty', async () => {
    await expect(readFederatedToken(join(dir, 'gone'))).rejects.toThrow(FederatedTokenFileError);
    await expect(readFederatedToken(join(dir, 'gone'))).rejects.toThrow(/gone does not exist \(ENOENT\)/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    await expect(readFederatedToken(empty)).rejects.toThrow(/is empty/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      writeFileSync(locked, 'secret.token.content');
      chmodSync(locked, 0o000);
      const error = await readFederatedToken(locked).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/is not readable \(EACCES\)/);
      expect((error as Error).message).not.toContain('secret.token.content');
    }
  });
});
