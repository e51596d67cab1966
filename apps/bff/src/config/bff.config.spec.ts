import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EnvValidationError } from '@chain/platform';

import {
  DEFAULT_CORS_ORIGINS,
  DEFAULT_DOCUMENTS_MAX_BYTES,
  DEFAULT_REQUEST_DEADLINE_MS,
  isDownstreamVariable,
  parseBffEnv,
} from './bff.config';

const TID = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const VALID = {
  AUTH_ISSUERS: `https://localhost:8443/${TID}/v2.0`,
  AUTH_JWKS_URI: `https://localhost:8443/${TID}/discovery/v2.0/keys`,
  AUTH_AUDIENCES: 'bff-client-id,api://bff',
  AUTH_AUTHORITY: `https://localhost:8443/${TID}`,
  AUTH_KNOWN_AUTHORITIES: 'localhost:8443',
  AUTH_CLIENT_ID: 'bff-client-id',
  AUTH_CLIENT_SECRET: 'not-a-real-secret',
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
  DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
  DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: 'http://127.0.0.1:3003',
  DOWNSTREAM_APIS__DOCUMENTS__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__DOCUMENTS__SCOPES: 'api://documents-service/Documents.ReadWrite',
  DOWNSTREAM_APIS__PRICING__BASE_URL: 'http://127.0.0.1:3002',
  DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
  DOWNSTREAM_APIS__PRICING__SCOPES: 'api://pricing-service/.default',
  DOWNSTREAM_APIS__PRICING__TIMEOUT_MS: '2500',
};

/** The compose env files, one directory per identity mode (docker/env/<mode>/). */
const COMPOSE_ENV = join(__dirname, '../../../../docker/env');
const COMPOSE_MODES = readdirSync(COMPOSE_ENV).filter((mode) =>
  existsSync(join(COMPOSE_ENV, mode, 'bff.env')),
);

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseBffEnv(env);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable).sort();
    throw error;
  }
  throw new Error('parseBffEnv accepted an invalid environment');
}

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

describe('parseBffEnv', () => {
  it('finds the compose environment of the entra mode at least', () => {
    expect(COMPOSE_MODES).toContain('entra');
  });

  it('declares the three downstreams once, from DOWNSTREAM_APIS__<NAME>__*', () => {
    const env = parseBffEnv(VALID);
    expect(env.downstreams).toEqual({
      PROGRAM: {
        baseUrl: 'http://127.0.0.1:3001',
        flow: 'on-behalf-of',
        scopes: ['api://program-service/Program.ReadWrite'],
      },
      DOCUMENTS: {
        baseUrl: 'http://127.0.0.1:3003',
        flow: 'on-behalf-of',
        scopes: ['api://documents-service/Documents.ReadWrite'],
      },
      PRICING: {
        baseUrl: 'http://127.0.0.1:3002',
        flow: 'client-credentials',
        scopes: ['api://pricing-service/.default'],
        timeoutMs: 2500,
      },
    });
  });

  it('applies the defaults: port 3000 on loopback, the demo SPA origin, 10 MiB documents, a 12 s request budget, no trace', () => {
    const env = parseBffEnv(VALID);
    expect(env).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3000,
      CHAIN_TRACE: false,
      CORS_ORIGINS: [DEFAULT_CORS_ORIGINS],
      DOCUMENTS_MAX_BYTES: DEFAULT_DOCUMENTS_MAX_BYTES,
      REQUEST_DEADLINE_MS: DEFAULT_REQUEST_DEADLINE_MS,
      AUTH_KNOWN_AUTHORITIES: ['localhost:8443'],
    });
    expect(DEFAULT_REQUEST_DEADLINE_MS).toBe(12_000);
    expect(env.TOKEN_CACHE_REDIS_URL).toBeUndefined();
  });

  it.each(COMPOSE_MODES)('accepts the compose environment of docker/env/%s/bff.env', (mode) => {
    const env = parseBffEnv(readEnvFile(join(COMPOSE_ENV, mode, 'bff.env')));
    expect(env.CHAIN_TRACE).toBe(true);
    expect(env.TOKEN_CACHE_REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(env.downstreams).sort()).toEqual(['DOCUMENTS', 'PRICING', 'PROGRAM']);
  });

  it('names every missing variable at once', () => {
    expect(problemsOf({})).toEqual(
      expect.arrayContaining([
        'AUTH_AUDIENCES',
        'AUTH_AUTHORITY',
        'AUTH_CLIENT_ID',
        'AUTH_ISSUERS',
        'AUTH_JWKS_URI',
        'DOWNSTREAM_APIS__DOCUMENTS__BASE_URL',
        'DOWNSTREAM_APIS__PRICING__SCOPES',
        'DOWNSTREAM_APIS__PROGRAM__FLOW',
      ]),
    );
  });

  it('reads REQUEST_DEADLINE_MS as whole milliseconds from 100 to 600000, naming it otherwise', () => {
    expect(parseBffEnv({ ...VALID, REQUEST_DEADLINE_MS: '4000' }).REQUEST_DEADLINE_MS).toBe(4_000);
    for (const bad of ['99', '600001', '12s', '-1', '1.5'])
      expect(problemsOf({ ...VALID, REQUEST_DEADLINE_MS: bad })).toEqual(['REQUEST_DEADLINE_MS']);
  });

  it('requires a client secret or a certificate with its key, not both', () => {
    expect(problemsOf({ ...VALID, AUTH_CLIENT_SECRET: undefined })).toEqual(['AUTH_CLIENT_SECRET']);
    expect(problemsOf({ ...VALID, AUTH_CLIENT_CERTIFICATE_PATH: '/run/secrets/bff.pem' })).toEqual([
      'AUTH_CLIENT_CERTIFICATE_KEY_PATH',
      'AUTH_CLIENT_SECRET',
    ]);
    const certificate = parseBffEnv({
      ...VALID,
      AUTH_CLIENT_SECRET: undefined,
      AUTH_CLIENT_CERTIFICATE_PATH: '/run/secrets/bff.pem',
      AUTH_CLIENT_CERTIFICATE_KEY_PATH: '/run/secrets/bff.key',
    });
    expect(certificate.AUTH_CLIENT_SECRET).toBeUndefined();
  });

  it('requires an encryption key of 32 bytes with a Redis cache', () => {
    expect(problemsOf({ ...VALID, TOKEN_CACHE_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([
      'TOKEN_CACHE_ENCRYPTION_KEY',
    ]);
    expect(
      problemsOf({
        ...VALID,
        TOKEN_CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
        TOKEN_CACHE_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
      }),
    ).toEqual(['TOKEN_CACHE_ENCRYPTION_KEY']);
  });

  it('refuses a downstream declaration libs/auth would refuse, naming its variable', () => {
    expect(
      problemsOf({ ...VALID, DOWNSTREAM_APIS__PRICING__SCOPES: 'api://pricing-service/Pricing.Read' }),
    ).toEqual(['DOWNSTREAM_APIS__PRICING__SCOPES']);
    expect(problemsOf({ ...VALID, DOWNSTREAM_APIS__PROGRAM__FLOW: 'implicit' })).toEqual([
      'DOWNSTREAM_APIS__PROGRAM__FLOW',
    ]);
    expect(problemsOf({ ...VALID, DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: 'documents:3003' })).toEqual([
      'DOWNSTREAM_APIS__DOCUMENTS__BASE_URL',
    ]);
  });

  describe('any downstream of the chain manifest (DOWNSTREAM_APIS__<NAME>__*)', () => {
    const NOTES = {
      DOWNSTREAM_APIS__NOTES__BASE_URL: 'http://127.0.0.1:3004',
      DOWNSTREAM_APIS__NOTES__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__NOTES__SCOPES: 'api://notes-service/Notes.ReadWrite',
    };

    it('declares a downstream of any name, with "_" inside, beside the three the routes need', () => {
      const env = parseBffEnv({
        ...VALID,
        ...NOTES,
        DOWNSTREAM_APIS__MY_API2__BASE_URL: 'http://127.0.0.1:3005/v1',
        DOWNSTREAM_APIS__MY_API2__FLOW: 'on-behalf-of',
        DOWNSTREAM_APIS__MY_API2__SCOPES: 'api://my-api/.default',
        DOWNSTREAM_APIS__MY_API2__TIMEOUT_MS: '3000',
      });
      expect(Object.keys(env.downstreams).sort()).toEqual([
        'DOCUMENTS',
        'MY_API2',
        'NOTES',
        'PRICING',
        'PROGRAM',
      ]);
      expect(env.downstreams['NOTES']).toEqual({
        baseUrl: 'http://127.0.0.1:3004',
        flow: 'on-behalf-of',
        scopes: ['api://notes-service/Notes.ReadWrite'],
      });
      expect(env.downstreams['MY_API2']).toMatchObject({
        baseUrl: 'http://127.0.0.1:3005/v1',
        timeoutMs: 3000,
      });
    });

    it('validates another downstream as libs/auth does, naming its variables', () => {
      expect(problemsOf({ ...VALID, ...NOTES, DOWNSTREAM_APIS__NOTES__FLOW: 'implicit' })).toEqual([
        'DOWNSTREAM_APIS__NOTES__FLOW',
      ]);
      expect(problemsOf({ ...VALID, DOWNSTREAM_APIS__NOTES__BASE_URL: 'http://127.0.0.1:3004' })).toEqual([
        'DOWNSTREAM_APIS__NOTES__FLOW',
        'DOWNSTREAM_APIS__NOTES__SCOPES',
      ]);
    });

    it('refuses a field it does not know (a typo), naming the variable, instead of ignoring it', () => {
      expect(
        problemsOf({ ...VALID, DOWNSTREAM_APIS__PROGRAM__SCOPE: 'api://program-service/.default' }),
      ).toEqual(['DOWNSTREAM_APIS__PROGRAM__SCOPE']);
      expect(problemsOf({ ...VALID, ...NOTES, DOWNSTREAM_APIS__NOTES__RELAYED: 'true' })).toEqual([
        'DOWNSTREAM_APIS__NOTES__RELAYED',
      ]);
      for (const bad of [
        'DOWNSTREAM_APIS__notes__BASE_URL',
        'DOWNSTREAM_APIS__MY__API__FLOW',
        'DOWNSTREAM_APIS__X',
      ])
        expect(problemsOf({ ...VALID, [bad]: 'x' })).toEqual([bad]);
      expect(() =>
        parseBffEnv({ ...VALID, DOWNSTREAM_APIS__PROGRAM__SCOPE: 'api://program-service/.default' }),
      ).toThrow(
        /DOWNSTREAM_APIS__PROGRAM__SCOPE: has no field "SCOPE".*BASE_URL, FLOW, SCOPES, DELEGATED_SCOPES, TIMEOUT_MS, RELAY/,
      );
    });

    it('tells a downstream variable from anything else', () => {
      for (const yes of ['DOWNSTREAM_APIS__NOTES__RELAY', 'DOWNSTREAM_APIS__MY_API__BASE_URL'])
        expect([yes, isDownstreamVariable(yes)]).toEqual([yes, true]);
      for (const no of [
        'DOWNSTREAM_APIS__NOTES__SCOPE',
        'DOWNSTREAM_APIS__notes__FLOW',
        'DOWNSTREAM_APIS',
        'PORT',
      ])
        expect([no, isDownstreamVariable(no)]).toEqual([no, false]);
    });

    it('reads RELAY as true or false (default false) into the relayed set', () => {
      expect(parseBffEnv({ ...VALID, ...NOTES }).relayed).toEqual(new Set());
      const env = parseBffEnv({
        ...VALID,
        ...NOTES,
        DOWNSTREAM_APIS__NOTES__RELAY: 'true',
        DOWNSTREAM_APIS__PROGRAM__RELAY: 'true',
        DOWNSTREAM_APIS__DOCUMENTS__RELAY: 'false',
      });
      expect(env.relayed).toEqual(new Set(['NOTES', 'PROGRAM']));
      for (const bad of ['yes', '1', 'TRUE']) {
        expect(problemsOf({ ...VALID, ...NOTES, DOWNSTREAM_APIS__NOTES__RELAY: bad })).toEqual([
          'DOWNSTREAM_APIS__NOTES__RELAY',
        ]);
        expect(problemsOf({ ...VALID, DOWNSTREAM_APIS__PROGRAM__RELAY: bad })).toEqual([
          'DOWNSTREAM_APIS__PROGRAM__RELAY',
        ]);
      }
    });

    it('refuses RELAY=true on a client-credentials downstream, saying why', () => {
      expect(problemsOf({ ...VALID, DOWNSTREAM_APIS__PRICING__RELAY: 'true' })).toEqual([
        'DOWNSTREAM_APIS__PRICING__RELAY',
      ]);
      expect(() => parseBffEnv({ ...VALID, DOWNSTREAM_APIS__PRICING__RELAY: 'true' })).toThrow(
        /on behalf of the signed-in user.*BFF's own application permissions would give every user the BFF's privileges/,
      );
      expect(parseBffEnv({ ...VALID, DOWNSTREAM_APIS__PRICING__RELAY: 'false' }).relayed).toEqual(new Set());
    });

    it('keeps only its own variables and the parsed downstreams, not the rest of the environment', () => {
      const env = parseBffEnv({ ...VALID, ...NOTES, HOME: '/root', DOWNSTREAM_APIS__NOTES__RELAY: 'true' });
      expect(env).not.toHaveProperty('HOME');
      expect(env).not.toHaveProperty('DOWNSTREAM_APIS__NOTES__BASE_URL');
      expect(env).toHaveProperty('DOWNSTREAM_APIS__PROGRAM__BASE_URL', 'http://127.0.0.1:3001');
    });
  });

  describe('verified delegation (identity providers without on-behalf-of)', () => {
    const DELEGATING = {
      ...VALID,
      DOWNSTREAM_APIS__PROGRAM__FLOW: 'verified-delegation',
      DOWNSTREAM_APIS__PROGRAM__SCOPES: 'https://contosob2c.onmicrosoft.com/program-service/.default',
      DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: 'Program.ReadWrite',
      AUTH_DELEGATION_SIGNING_KEY_FILE: '/run/secrets/bff-delegation.pem',
    };

    it('declares a downstream by verified delegation with its delegated scopes', () => {
      expect(parseBffEnv(DELEGATING).downstreams.PROGRAM).toEqual({
        baseUrl: 'http://127.0.0.1:3001',
        flow: 'verified-delegation',
        scopes: ['https://contosob2c.onmicrosoft.com/program-service/.default'],
        delegatedScopes: ['Program.ReadWrite'],
      });
    });

    it('names AUTH_DELEGATION_SIGNING_KEY when no key signs the proofs, and DELEGATED_SCOPES when absent', () => {
      expect(
        problemsOf({
          ...DELEGATING,
          AUTH_DELEGATION_SIGNING_KEY_FILE: undefined,
          DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: undefined,
        }),
      ).toEqual(['AUTH_DELEGATION_SIGNING_KEY', 'DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES']);
    });

    it('refuses the key and its file together, and scopes other than one <resource>/.default', () => {
      expect(problemsOf({ ...DELEGATING, AUTH_DELEGATION_SIGNING_KEY: 'pem' })).toEqual([
        'AUTH_DELEGATION_SIGNING_KEY',
      ]);
      expect(
        problemsOf({
          ...DELEGATING,
          DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
        }),
      ).toEqual(['DOWNSTREAM_APIS__PROGRAM__SCOPES']);
    });
  });

  it('accepts only origins in CORS_ORIGINS', () => {
    expect(
      parseBffEnv({ ...VALID, CORS_ORIGINS: 'http://localhost:8080, https://app.example' }).CORS_ORIGINS,
    ).toEqual(['http://localhost:8080', 'https://app.example']);
    expect(problemsOf({ ...VALID, CORS_ORIGINS: 'http://localhost:8080/app' })).toEqual(['CORS_ORIGINS']);
  });

  it('never echoes the client secret in its message', () => {
    try {
      parseBffEnv({ ...VALID, AUTH_CLIENT_CERTIFICATE_PATH: '/x', AUTH_CLIENT_SECRET: 's3cr3t-value' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(EnvValidationError);
      expect((error as Error).message).not.toContain('s3cr3t-value');
    }
  });
});
