import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EnvValidationError } from '@chain/platform';

import { parseDocumentsServiceEnv } from './documents-service.config';

const TENANT = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const VALID = {
  AUTH_ISSUERS: `https://localhost:8443/${TENANT}/v2.0`,
  AUTH_JWKS_URI: `https://localhost:8443/${TENANT}/discovery/v2.0/keys`,
  AUTH_AUDIENCES: 'documents-client-id,api://documents-service',
  AUTH_AUTHORITY: `https://localhost:8443/${TENANT}`,
  AUTH_KNOWN_AUTHORITIES: 'localhost:8443',
  AUTH_CLIENT_ID: 'documents-client-id',
  AUTH_CLIENT_SECRET: 's3cr3t-value',
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
  DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.Read',
  AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
};

/** The compose env files, one directory per identity mode (docker/env/<mode>/). */
const COMPOSE_ENV = join(__dirname, '..', '..', '..', '..', 'docker', 'env');
const COMPOSE_MODES = readdirSync(COMPOSE_ENV).filter((mode) =>
  existsSync(join(COMPOSE_ENV, mode, 'documents-service.env')),
);

function problemsOf(env: Record<string, string | undefined>): EnvValidationError {
  try {
    parseDocumentsServiceEnv(env);
  } catch (error) {
    if (error instanceof EnvValidationError) return error;
    throw error;
  }
  throw new Error('the environment was accepted');
}

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
function readEnvFile(path: string): Record<string, string> {
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

describe('documents-service environment', () => {
  it('applies the defaults and declares the PROGRAM downstream', () => {
    const env = parseDocumentsServiceEnv(VALID);
    expect(env).toMatchObject({
      PORT: 3003,
      HOST: '127.0.0.1',
      DOCUMENTS_CONTAINER: 'documents',
      DOCUMENTS_MAX_BYTES: 10 * 1024 * 1024,
      AUTH_KNOWN_AUTHORITIES: ['localhost:8443'],
    });
    expect(env.downstreams).toEqual({
      PROGRAM: {
        baseUrl: 'http://127.0.0.1:3001',
        flow: 'on-behalf-of',
        scopes: ['api://program-service/Program.Read'],
      },
    });
  });

  it('finds the compose environment of the entra mode at least', () => {
    expect(COMPOSE_MODES).toContain('entra');
  });

  it.each(COMPOSE_MODES)('accepts the docker-compose environment file of docker/env/%s unchanged', (mode) => {
    const file = join(COMPOSE_ENV, mode, 'documents-service.env');
    const env = parseDocumentsServiceEnv(readEnvFile(file));
    expect(env.PORT).toBe(3003);
    expect(env.AZURE_STORAGE_CONNECTION_STRING).toContain('BlobEndpoint=http://azurite:10000');
    expect(env.downstreams.PROGRAM.baseUrl).toBe('http://program-service:3001');
  });

  it('names every missing variable of the caller side in one error', () => {
    const error = problemsOf({
      ...VALID,
      AUTH_AUTHORITY: undefined,
      AUTH_CLIENT_SECRET: '',
      DOWNSTREAM_APIS__PROGRAM__FLOW: undefined,
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'AUTH_AUTHORITY',
      'AUTH_CLIENT_SECRET',
      'DOWNSTREAM_APIS__PROGRAM__FLOW',
    ]);
    expect(problemsOf({ ...VALID, AUTH_CLIENT_ID: undefined }).message).toContain(
      "AUTH_CLIENT_ID: is required (fix: documents-service's own client id",
    );
  });

  it('names the downstream variables that are missing or wrong', () => {
    const missing = problemsOf({ ...VALID, DOWNSTREAM_APIS__PROGRAM__BASE_URL: undefined });
    expect(missing.problems.map((p) => p.variable)).toEqual(['DOWNSTREAM_APIS__PROGRAM__BASE_URL']);
    const scopes = problemsOf({ ...VALID, DOWNSTREAM_APIS__PROGRAM__SCOPES: 'openid' });
    expect(scopes.problems.map((p) => p.variable)).toEqual(['DOWNSTREAM_APIS__PROGRAM__SCOPES']);
  });

  it('refuses client credentials for the second hop, which must be on behalf of the user', () => {
    const error = problemsOf({
      ...VALID,
      DOWNSTREAM_APIS__PROGRAM__FLOW: 'client-credentials',
      DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/.default',
    });
    expect(error.problems).toEqual([
      expect.objectContaining({
        variable: 'DOWNSTREAM_APIS__PROGRAM__FLOW',
        problem: expect.stringMatching(/on-behalf-of/),
      }),
    ]);
  });

  describe('verified delegation (identity providers without on-behalf-of)', () => {
    const DELEGATING = {
      ...VALID,
      DOWNSTREAM_APIS__PROGRAM__FLOW: 'verified-delegation',
      DOWNSTREAM_APIS__PROGRAM__SCOPES: 'https://contosob2c.onmicrosoft.com/program-service/.default',
      DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: 'Program.Read',
      AUTH_DELEGATION_SIGNING_KEY:
        '-----BEGIN PRIVATE KEY-----\\nnot checked here\\n-----END PRIVATE KEY-----',
    };

    it('declares the second hop by verified delegation with its delegated scopes', () => {
      expect(parseDocumentsServiceEnv(DELEGATING).downstreams.PROGRAM).toEqual({
        baseUrl: 'http://127.0.0.1:3001',
        flow: 'verified-delegation',
        scopes: ['https://contosob2c.onmicrosoft.com/program-service/.default'],
        delegatedScopes: ['Program.Read'],
      });
    });

    it('names the variable to set when the signing key or the delegated scopes are missing', () => {
      const error = problemsOf({
        ...DELEGATING,
        AUTH_DELEGATION_SIGNING_KEY: undefined,
        DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: undefined,
      });
      expect(error.problems.map((p) => p.variable).sort()).toEqual([
        'AUTH_DELEGATION_SIGNING_KEY',
        'DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES',
      ]);
    });

    it('refuses both the key and its file, and a delegated scope with its resource', () => {
      const error = problemsOf({
        ...DELEGATING,
        AUTH_DELEGATION_SIGNING_KEY_FILE: '/run/secrets/key.pem',
        DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: 'api://program-service/Program.Read',
      });
      expect(error.problems.map((p) => p.variable).sort()).toEqual([
        'AUTH_DELEGATION_SIGNING_KEY',
        'DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES',
      ]);
      expect(error.message).not.toContain('not checked here');
    });
  });

  it('wants exactly one storage target', () => {
    const none = problemsOf({ ...VALID, AZURE_STORAGE_CONNECTION_STRING: undefined });
    expect(none.problems.map((p) => p.variable)).toEqual(['AZURE_STORAGE_CONNECTION_STRING']);
    const both = problemsOf({ ...VALID, AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net' });
    expect(both.problems[0]?.problem).toMatch(/not both/);
    const accountOnly = parseDocumentsServiceEnv({
      ...VALID,
      AZURE_STORAGE_CONNECTION_STRING: undefined,
      AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net',
    });
    expect(accountOnly.AZURE_STORAGE_ACCOUNT_URL).toBe('https://acct.blob.core.windows.net');
    const plain = problemsOf({
      ...VALID,
      AZURE_STORAGE_CONNECTION_STRING: undefined,
      AZURE_STORAGE_ACCOUNT_URL: 'http://acct',
    });
    expect(plain.problems.map((p) => p.variable)).toEqual(['AZURE_STORAGE_ACCOUNT_URL']);
  });

  it('wants a secret or a complete certificate pair, not both', () => {
    const half = problemsOf({
      ...VALID,
      AUTH_CLIENT_SECRET: undefined,
      AUTH_CLIENT_CERTIFICATE_PATH: '/c.pem',
    });
    expect(half.problems.map((p) => p.variable)).toEqual(['AUTH_CLIENT_CERTIFICATE_KEY_PATH']);
    const both = problemsOf({
      ...VALID,
      AUTH_CLIENT_CERTIFICATE_PATH: '/c.pem',
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: '/k.pem',
    });
    expect(both.problems.map((p) => p.variable)).toEqual(['AUTH_CLIENT_SECRET']);
  });

  it('checks the container name, the size limit and the Redis pair', () => {
    const error = problemsOf({
      ...VALID,
      DOCUMENTS_CONTAINER: 'Bad_Name',
      DOCUMENTS_MAX_BYTES: '0',
      TOKEN_CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'DOCUMENTS_CONTAINER',
      'DOCUMENTS_MAX_BYTES',
      'TOKEN_CACHE_ENCRYPTION_KEY',
    ]);
  });

  it('never echoes a secret it was given', () => {
    const error = problemsOf({
      ...VALID,
      AUTH_CLIENT_CERTIFICATE_PATH: '/c.pem',
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: '/k.pem',
    });
    expect(error.message).not.toContain('s3cr3t-value');
  });
});
