import { AppModule, StorageConfigError } from './app.module';
import { parseDocumentsServiceEnv } from './config/documents-service.config';

const ENV = {
  AUTH_ISSUERS: 'https://localhost:8443/t/v2.0',
  AUTH_JWKS_URI: 'https://localhost:8443/t/discovery/v2.0/keys',
  AUTH_AUDIENCES: 'documents-client-id,api://documents-service',
  AUTH_AUTHORITY: 'https://localhost:8443/t',
  AUTH_CLIENT_ID: 'documents-client-id',
  AUTH_CLIENT_SECRET: 'secret',
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
  DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.Read',
  AZURE_STORAGE_ACCOUNT_URL: 'https://contosodocs.blob.core.windows.net',
  LOG_LEVEL: 'silent',
};

describe('AppModule.forRoot', () => {
  it('refuses managed-identity storage without a credential, naming the fix', () => {
    const env = parseDocumentsServiceEnv(ENV);
    expect(() => AppModule.forRoot(env)).toThrow(StorageConfigError);
    expect(() => AppModule.forRoot(env)).toThrow(/@azure\/identity.*storageCredential/);
  });

  it('accepts managed-identity storage when main.ts passes a credential', () => {
    const env = parseDocumentsServiceEnv(ENV);
    const credential = { getToken: async () => null };
    expect(AppModule.forRoot(env, { storageCredential: credential }).module).toBe(AppModule);
  });
});
