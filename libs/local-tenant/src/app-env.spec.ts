import { defaultLocalEndpoints, LOCAL_TOKEN_CACHE_KEY, localAppEnv, type LocalEndpoints } from './app-env';
import { downstreamName } from './chain-manifest';
import { loadRegistrations } from './load-registrations';

const TENANT = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const BFF_ID = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
const local = defaultLocalEndpoints();
const compose: LocalEndpoints = {
  emulatorPublicUrl: 'https://localhost:8443',
  emulatorInternalUrl: 'https://identity-emulator:8443',
  host: '0.0.0.0',
  services: {
    bff: 'http://bff:3000',
    'program-service': 'http://program-service:3001',
    'pricing-service': 'http://pricing-service:3002',
    'documents-service': 'http://documents-service:3003',
  },
  blobEndpoint: 'http://azurite:10000/devstoreaccount1',
  redisUrl: 'redis://redis:6379',
  databaseUrl: 'postgres://chain@postgres:5432/programmes',
};

describe('localAppEnv', () => {
  it('gives program-service the issuer, keys and audiences of its registration', () => {
    const env = localAppEnv('program-service', local);
    expect(env).toMatchObject({
      HOST: '127.0.0.1',
      PORT: '3001',
      AUTH_ISSUERS: `https://localhost:8443/${TENANT}/v2.0`,
      AUTH_JWKS_URI: `https://localhost:8443/${TENANT}/discovery/v2.0/keys`,
      AUTH_AUDIENCES: '2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33,api://program-service',
      CHAIN_TRACE: 'true',
      PROGRAM_SEED: 'demo',
    });
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env).not.toHaveProperty('AUTH_CLIENT_SECRET');
  });

  it('declares the three downstreams of the BFF from its permissions', () => {
    expect(localAppEnv('bff', local)).toMatchObject({
      AUTH_AUTHORITY: `https://localhost:8443/${TENANT}`,
      AUTH_KNOWN_AUTHORITIES: 'localhost:8443',
      AUTH_CLIENT_ID: BFF_ID,
      AUTH_CLIENT_SECRET: 'bff-local-secret-do-not-use-in-azure',
      DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
      DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
      DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: 'http://127.0.0.1:3003',
      DOWNSTREAM_APIS__DOCUMENTS__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__DOCUMENTS__SCOPES: 'api://documents-service/Documents.ReadWrite',
      DOWNSTREAM_APIS__PRICING__BASE_URL: 'http://127.0.0.1:3002',
      DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
      DOWNSTREAM_APIS__PRICING__SCOPES: 'api://pricing-service/.default',
      TOKEN_CACHE_ENCRYPTION_KEY: LOCAL_TOKEN_CACHE_KEY,
      CORS_ORIGINS: 'http://localhost:8080,http://127.0.0.1:8080',
    });
  });

  it('gives documents-service its second hop to program-service and the Azurite account', () => {
    const env = localAppEnv('documents-service', local);
    expect(env).toMatchObject({
      AUTH_CLIENT_ID: '4f1a6b3c-5e8b-4c2f-9a7d-0b9c8e7f6a55',
      DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.Read',
    });
    expect(Object.keys(env).filter((k) => k.startsWith('DOWNSTREAM_APIS__'))).toHaveLength(3);
    expect(env['AZURE_STORAGE_CONNECTION_STRING']).toContain(
      'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    );
  });

  it('allows only the clients granted an application permission to call pricing-service', () => {
    expect(localAppEnv('pricing-service', local)['PRICING_ALLOWED_CALLERS']).toBe(BFF_ID);
  });

  it('keeps the public issuer but reaches keys and the authority at the internal emulator address', () => {
    const bff = localAppEnv('bff', compose);
    expect(bff).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '3000',
      AUTH_ISSUERS: `https://localhost:8443/${TENANT}/v2.0`,
      AUTH_JWKS_URI: `https://identity-emulator:8443/${TENANT}/discovery/v2.0/keys`,
      AUTH_AUTHORITY: `https://identity-emulator:8443/${TENANT}`,
      AUTH_KNOWN_AUTHORITIES: 'identity-emulator:8443',
      DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://program-service:3001',
      TOKEN_CACHE_REDIS_URL: 'redis://redis:6379',
    });
    expect(localAppEnv('program-service', compose)['DATABASE_URL']).toBe(compose.databaseUrl);
  });

  it('configures the emulator with its public URL and the extra hostnames of its certificate', () => {
    expect(localAppEnv('identity-emulator', compose)).toEqual({
      HOST: '0.0.0.0',
      PORT: '8443',
      EMULATOR_PUBLIC_URL: 'https://localhost:8443',
      EMULATOR_HOSTNAMES: 'identity-emulator',
      LOG_LEVEL: 'info',
    });
  });

  it('lets the emulator on a random port announce its own public URL', () => {
    const env = localAppEnv('identity-emulator', { ...local, emulatorPublicUrl: 'https://localhost:0' });
    expect(env['PORT']).toBe('0');
    expect(env).not.toHaveProperty('EMULATOR_PUBLIC_URL');
  });

  it('takes listening ports from the overrides, e.g. 0 for a random port', () => {
    const env = localAppEnv('pricing-service', { ...local, ports: { 'pricing-service': 0 } });
    expect(env['PORT']).toBe('0');
  });

  it('derives the allowed callers from the registrations it is given', () => {
    const reg = loadRegistrations();
    const documents = reg.applications.find((a) => a.name === 'documents-service')!;
    documents.requiredResourceAccess.push({
      resource: 'pricing-service',
      delegated: [],
      application: ['Pricing.Read.All'],
      consented: true,
    });
    expect(localAppEnv('pricing-service', local, reg)['PRICING_ALLOWED_CALLERS']).toBe(
      `${BFF_ID},${documents.clientId}`,
    );
  });

  it('refuses to configure a caller that has no client secret', () => {
    const reg = loadRegistrations();
    reg.applications.find((a) => a.name === 'bff')!.secrets.length = 0;
    expect(() => localAppEnv('bff', local, reg)).toThrow(
      'bff calls downstream APIs but has no client secret',
    );
  });
});

describe('downstreamName', () => {
  it('names a downstream by its registration without the -service suffix', () => {
    expect(downstreamName('program-service')).toBe('PROGRAM');
    expect(downstreamName('bff')).toBe('BFF');
  });
});
