import { Readable } from 'node:stream';

import {
  AnonymousCredential,
  type BlobItem,
  BlobServiceClient,
  type ContainerClient,
  type newPipeline,
  RestError,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

import {
  type BlobDeleteOutcome,
  type BlobDownload,
  type BlobEntry,
  BlobStore,
  type BlobWrite,
} from './blob-store';
import { StorageUnavailableError } from './storage.errors';

/** An Entra token credential for Blob Storage (`@azure/identity`'s `DefaultAzureCredential` is one). */
export type StorageTokenCredential = Exclude<
  Parameters<typeof newPipeline>[0],
  StorageSharedKeyCredential | AnonymousCredential | undefined
>;

/** How to reach the storage account. */
export type BlobStorageTarget =
  | { readonly kind: 'connection-string'; readonly connectionString: string }
  | {
      readonly kind: 'account-url';
      readonly accountUrl: string;
      readonly credential: StorageTokenCredential;
    };

/**
 * A few quick tries rather than the SDK's default of four with long back-off: a request waits on
 * storage, so a dead account must fail fast (503) instead of hanging the caller.
 */
const PIPELINE: StoragePipelineOptions = {
  retryOptions: { maxTries: 2, tryTimeoutInMs: 15_000, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
  userAgentOptions: { userAgentPrefix: 'entra-api-chain-documents' },
};

/** Builds the service client: a connection string (Azurite, shared key) or an account URL + Entra credential. */
export function blobServiceClientFor(target: BlobStorageTarget): BlobServiceClient {
  return target.kind === 'connection-string'
    ? BlobServiceClient.fromConnectionString(target.connectionString, PIPELINE)
    : new BlobServiceClient(target.accountUrl, target.credential, PIPELINE);
}

/** {@link BlobStore} on one Azure Blob Storage container, through @azure/storage-blob. */
export class AzureBlobStore extends BlobStore {
  private readonly container: ContainerClient;
  private ensured = false;

  constructor(service: BlobServiceClient, containerName: string) {
    super();
    this.container = service.getContainerClient(containerName);
  }

  async ensureContainer(): Promise<void> {
    if (this.ensured) return;
    await this.call(() => this.container.createIfNotExists());
    this.ensured = true;
  }

  async probe(signal: AbortSignal): Promise<void> {
    if (!this.ensured) {
      await this.container.createIfNotExists({ abortSignal: signal });
      this.ensured = true;
    }
    await this.container.getProperties({ abortSignal: signal });
  }

  async upload(write: BlobWrite): Promise<void> {
    await this.ensureContainer();
    await this.call(() =>
      this.container.getBlockBlobClient(write.name).uploadData(write.content, {
        blobHTTPHeaders: {
          blobContentType: write.contentType,
          blobContentDisposition: write.contentDisposition,
        },
        metadata: { ...write.metadata },
        conditions: { ifNoneMatch: '*' },
      }),
    );
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    return this.call(async () => {
      const entries: BlobEntry[] = [];
      for await (const item of this.container.listBlobsFlat({ prefix, includeMetadata: true })) {
        entries.push(entryOfItem(item));
      }
      return entries;
    });
  }

  async stat(name: string): Promise<BlobEntry | undefined> {
    return this.call(async () => {
      try {
        return entryOf(name, await this.container.getBlobClient(name).getProperties());
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  async download(name: string): Promise<BlobDownload | undefined> {
    return this.call(async () => {
      try {
        const response = await this.container.getBlobClient(name).download(0);
        const body = response.readableStreamBody;
        if (!(body instanceof Readable)) throw new Error('blob download returned no Node stream');
        return { ...entryOf(name, response), content: body };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  async delete(name: string, etag: string): Promise<BlobDeleteOutcome> {
    return this.call(async () => {
      try {
        await this.container.getBlobClient(name).delete({ conditions: { ifMatch: etag } });
        return 'deleted';
      } catch (error) {
        if (isStatus(error, 404)) return 'missing';
        if (isStatus(error, 412)) return 'changed';
        throw error;
      }
    });
  }

  /**
   * Maps what the caller cannot fix to 503: no answer, a storage-side 5xx, or 401/403 (a wrong key or a
   * missing role assignment). Anything else stays an unexpected error (500).
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Never keep the RestError as `cause`: it holds the request, signed Authorization header included.
      if (error instanceof RestError && isUnavailable(error.statusCode))
        throw new StorageUnavailableError(error.statusCode, error.code);
      throw error;
    }
  }
}

function entryOfItem(item: BlobItem): BlobEntry {
  return {
    name: item.name,
    contentType: item.properties.contentType ?? 'application/octet-stream',
    size: item.properties.contentLength ?? 0,
    metadata: item.metadata ?? {},
    etag: item.properties.etag,
  };
}

/** The properties both `getProperties()` and `download()` answer with. */
interface BlobResponseProperties {
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly metadata?: Record<string, string>;
  readonly etag?: string;
}

function entryOf(name: string, properties: BlobResponseProperties): BlobEntry {
  return {
    name,
    contentType: properties.contentType ?? 'application/octet-stream',
    size: properties.contentLength ?? 0,
    metadata: properties.metadata ?? {},
    etag: properties.etag ?? '',
  };
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof RestError && error.statusCode === status;
}

function isUnavailable(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === 401 || status === 403;
}
