import { type DynamicModule, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { AzureBlobStore, blobServiceClientFor, type BlobStorageTarget } from './azure-blob-store';
import { BlobStorageHealthIndicator } from './blob-storage.health-indicator';
import { BlobStore } from './blob-store';
import { StorageUnavailableError } from './storage.errors';

/** Options of {@link StorageModule}. */
export interface StorageModuleOptions {
  readonly target: BlobStorageTarget;
  /** The documents container; created at boot when missing. */
  readonly containerName: string;
}

/**
 * Provides the {@link BlobStore} on Azure Blob Storage and its readiness check, and creates the container
 * at boot. Storage that is down at boot does not stop the app: it stays live but not ready, and the
 * container is created as soon as storage answers (readiness probe or first upload).
 */
@Module({})
export class StorageModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('StorageModule');

  constructor(private readonly store: BlobStore) {}

  static forRoot(options: StorageModuleOptions): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        {
          provide: BlobStore,
          useFactory: () => new AzureBlobStore(blobServiceClientFor(options.target), options.containerName),
        },
        BlobStorageHealthIndicator,
      ],
      exports: [BlobStore, BlobStorageHealthIndicator],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.store.ensureContainer();
    } catch (error) {
      // The detail or the class only: an SDK message may quote the account URL.
      const reason = error instanceof StorageUnavailableError ? error.detail : classOf(error);
      this.logger.warn({
        msg: 'blob container not ensured at boot; not ready until storage answers',
        reason,
      });
    }
  }
}

function classOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
