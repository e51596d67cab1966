import { ChainError } from '@chain/auth';

/** Seconds a client should wait before retrying a key that is still in progress. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * 409: a request with this `Idempotency-Key` is still being processed (IETF httpapi idempotency-key draft,
 * "concurrent requests"); retry once it has finished. `detail` says it in the app's own words.
 */
export class IdempotencyKeyInUseError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor(detail = 'A request with this Idempotency-Key is still being processed; retry it later.') {
    super(detail);
    this.retryAfterSeconds = IN_PROGRESS_RETRY_AFTER_SECONDS;
    this.extensions = { reason: 'idempotency_key_in_progress' };
  }
}

/**
 * 422: this `Idempotency-Key` was used with another request — the draft's "idempotency key is already used
 * with a different payload". The client needs a new key. `detail` says it in the app's own words.
 */
export class IdempotencyKeyReusedError extends ChainError {
  readonly code = 'conflict';
  readonly status = 422;

  constructor(
    detail = 'This Idempotency-Key was already used for a different request; use a new key for a new request.',
  ) {
    super(detail);
    this.extensions = { reason: 'idempotency_key_reused' };
  }
}
