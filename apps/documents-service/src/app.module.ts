import { AuthModule, TokenBrokerModule } from '@chain/auth';
import { authOptionsFromEnv, PlatformModule } from '@chain/platform';
import { type DynamicModule, Module } from '@nestjs/common';

import { Clock, SystemClock } from './common/clock/clock';
import { type BlobStorageTarget, type StorageTokenCredential } from './common/storage/azure-blob-store';
import { BlobStorageHealthIndicator } from './common/storage/blob-storage.health-indicator';
import { StorageModule } from './common/storage/storage.module';
import { documentsServiceConfig, type DocumentsServiceEnv } from './config/documents-service.config';
import { DOCUMENTS_SERVICE_NAME, tokenBrokerOptionsFromEnv } from './config/token-broker-options';
import { DocumentsModule } from './documents/documents.module';

export { DOCUMENTS_SERVICE_NAME };

/** What the environment cannot carry: objects, and trust for in-process tests. */
export interface DocumentsServiceExtras {
  /**
   * The Entra credential for `AZURE_STORAGE_ACCOUNT_URL` (managed identity), e.g. `new DefaultAzureCredential()`
   * from `@azure/identity` (not a dependency of this repository: see docs/documents-service.md).
   */
  readonly storageCredential?: StorageTokenCredential;
  /**
   * An extra CA (PEM) trusted for the JWKS and the token service, for tests that run the emulator in the
   * same process. Processes trust the local CA through `NODE_EXTRA_CA_CERTS` instead.
   */
  readonly trustedCaPem?: string;
}

/** Thrown at boot when storage is configured in a way this build cannot serve. */
export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
}

/**
 * documents-service: documents of programmes in Azure Blob Storage, reached by on-behalf-of tokens
 * (audience `api://documents-service` or its client id, user tokens only, scope `Documents.ReadWrite`);
 * calls program-service on behalf of the same user before every operation (the second hop).
 */
@Module({})
export class AppModule {
  /** @param env the validated environment; default: read from `process.env`. */
  static forRoot(
    env: DocumentsServiceEnv = documentsServiceConfig(),
    extras: DocumentsServiceExtras = {},
  ): DynamicModule {
    const ca = extras.trustedCaPem;
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({
          name: DOCUMENTS_SERVICE_NAME,
          logLevel: env.LOG_LEVEL,
          jwksUri: env.AUTH_JWKS_URI,
          readinessChecks: [BlobStorageHealthIndicator],
          problemDetails: true,
          requestContext: true,
          chainTrace: env.CHAIN_TRACE,
        }),
        AuthModule.forRoot({ ...authOptionsFromEnv(env), ...(ca === undefined ? {} : { jwksCaPem: ca }) }),
        TokenBrokerModule.forRoot(tokenBrokerOptionsFromEnv(env, ca)),
        StorageModule.forRoot({
          target: storageTargetOf(env, extras),
          containerName: env.DOCUMENTS_CONTAINER,
        }),
        DocumentsModule,
      ],
      providers: [
        { provide: documentsServiceConfig.KEY, useValue: env },
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [documentsServiceConfig.KEY, Clock],
    };
  }
}

/** A connection string (Azurite, account key), or the account URL with an Entra credential. */
function storageTargetOf(env: DocumentsServiceEnv, extras: DocumentsServiceExtras): BlobStorageTarget {
  if (env.AZURE_STORAGE_CONNECTION_STRING !== undefined)
    return { kind: 'connection-string', connectionString: env.AZURE_STORAGE_CONNECTION_STRING };
  if (env.AZURE_STORAGE_ACCOUNT_URL !== undefined && extras.storageCredential !== undefined)
    return {
      kind: 'account-url',
      accountUrl: env.AZURE_STORAGE_ACCOUNT_URL,
      credential: extras.storageCredential,
    };
  throw new StorageConfigError(
    'AZURE_STORAGE_ACCOUNT_URL (managed identity) needs a token credential: add @azure/identity and pass ' +
      '`storageCredential: new DefaultAzureCredential()` to AppModule.forRoot in main.ts (docs/documents-service.md), ' +
      'or set AZURE_STORAGE_CONNECTION_STRING instead.',
  );
}
