import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TokenBrokerConfigError } from '@chain/auth';
import { generate } from 'selfsigned';

import { parseDocumentsServiceEnv } from './documents-service.config';
import { tokenBrokerOptionsFromEnv } from './token-broker-options';

const BASE = {
  AUTH_ISSUERS: 'https://localhost:8443/t/v2.0',
  AUTH_JWKS_URI: 'https://localhost:8443/t/discovery/v2.0/keys',
  AUTH_AUDIENCES: 'documents-client-id,api://documents-service',
  AUTH_AUTHORITY: 'https://localhost:8443/t',
  AUTH_KNOWN_AUTHORITIES: 'localhost:8443',
  AUTH_CLIENT_ID: 'documents-client-id',
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
  DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.Read',
  AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
};

describe('tokenBrokerOptionsFromEnv', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'documents-credential-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps the caller variables onto the broker options, named documents-service in hop records', () => {
    const env = parseDocumentsServiceEnv({ ...BASE, AUTH_CLIENT_SECRET: 'secret-1' });
    expect(tokenBrokerOptionsFromEnv(env, 'CA-PEM')).toEqual({
      authority: 'https://localhost:8443/t',
      knownAuthorities: ['localhost:8443'],
      clientId: 'documents-client-id',
      serviceName: 'documents-service',
      credential: { kind: 'secret', secret: 'secret-1' },
      downstreams: env.downstreams,
      cache: {},
      tokenServiceCaPem: 'CA-PEM',
    });
  });

  it('reads a certificate credential and derives its SHA-256 thumbprint', async () => {
    const pems = await generate([{ name: 'commonName', value: 'documents-service' }], { keySize: 2048 });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    const env = parseDocumentsServiceEnv({
      ...BASE,
      AUTH_CLIENT_CERTIFICATE_PATH: join(dir, 'cert.pem'),
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: join(dir, 'key.pem'),
    });
    expect(tokenBrokerOptionsFromEnv(env).credential).toEqual({
      kind: 'certificate',
      privateKeyPem: pems.private,
      thumbprintSha256: createHash('sha256').update(new X509Certificate(pems.cert).raw).digest('hex'),
      // the x5c that bff sends as well (one libs/auth helper for both apps)
      x5c: new X509Certificate(pems.cert).raw.toString('base64'),
    });
  });

  it('names the variable whose file cannot be read', () => {
    const env = parseDocumentsServiceEnv({
      ...BASE,
      AUTH_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem'),
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: join(dir, 'missing-key.pem'),
    });
    expect(() => tokenBrokerOptionsFromEnv(env)).toThrow(TokenBrokerConfigError);
    expect(() => tokenBrokerOptionsFromEnv(env)).toThrow(/AUTH_CLIENT_CERTIFICATE_KEY_PATH/);
  });
});
