import { ChainError } from '@chain/auth';

/** Seconds a client should wait before retrying while storage is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Blob Storage did not answer, failed, or refused this service's credential: the caller can only retry
 * later (503 + Retry-After). The detail names no account, key or URL.
 */
export class StorageUnavailableError extends ChainError {
  readonly code = 'service_unavailable';
  readonly status = 503;

  /** @param storageCode the SDK's error code (`ECONNREFUSED`, `AuthorizationFailure`), kept as the cause. */
  constructor(storageStatus: number | undefined, storageCode?: string) {
    super(
      storageStatus === undefined
        ? 'Document storage could not be reached; retry shortly.'
        : `Document storage failed (HTTP ${storageStatus}); retry shortly.`,
      { cause: new Error(`storage error ${storageCode ?? 'unknown'}`) },
    );
    this.retryAfterSeconds = RETRY_AFTER_SECONDS;
  }
}
