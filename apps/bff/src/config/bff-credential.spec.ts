import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate } from 'selfsigned';

import type { BffEnv } from './bff.config';
import { clientCredentialFromEnv } from './bff-credential';

describe('clientCredentialFromEnv', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bff-credential-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the client secret when one is set', () => {
    expect(clientCredentialFromEnv({ AUTH_CLIENT_SECRET: 'local-only' } as BffEnv)).toEqual({
      kind: 'secret',
      secret: 'local-only',
    });
  });

  it('reads a certificate: its private key, SHA-256 thumbprint and x5c', async () => {
    const pems = await generate([{ name: 'commonName', value: 'bff' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const certPath = join(dir, 'bff.pem');
    const keyPath = join(dir, 'bff.key');
    writeFileSync(certPath, pems.cert);
    writeFileSync(keyPath, pems.private);
    const credential = clientCredentialFromEnv({
      AUTH_CLIENT_CERTIFICATE_PATH: certPath,
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: keyPath,
    } as BffEnv);
    const der = new X509Certificate(pems.cert).raw;
    expect(credential).toEqual({
      kind: 'certificate',
      privateKeyPem: pems.private,
      thumbprintSha256: createHash('sha256').update(der).digest('hex'),
      x5c: der.toString('base64'),
    });
  });

  it('names the variable and the file, never the content, when a file is missing or not a certificate', () => {
    const notACert = join(dir, 'not-a-cert.pem');
    writeFileSync(notACert, 'private material that must not be echoed');
    expect(() =>
      clientCredentialFromEnv({
        AUTH_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem'),
        AUTH_CLIENT_CERTIFICATE_KEY_PATH: notACert,
      } as BffEnv),
    ).toThrow(/AUTH_CLIENT_CERTIFICATE_PATH: cannot read .*missing\.pem/);
    let message = '';
    try {
      clientCredentialFromEnv({
        AUTH_CLIENT_CERTIFICATE_PATH: notACert,
        AUTH_CLIENT_CERTIFICATE_KEY_PATH: notACert,
      } as BffEnv);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/is not a PEM certificate/);
    expect(message).not.toContain('private material');
  });
});
