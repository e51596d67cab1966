import { ChainError } from '@chain/auth';

/** Seconds a client should wait before retrying a key that is still in progress. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * 409: a request with this `Idempotency-Key` is still being processed (IETF httpapi idempotency-key draft
 * §2.7, "concurrent requests"); retry once it has finished.
 */
export class IdempotencyKeyInUseError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry it later.');
    this.retryAfterSeconds = IN_PROGRESS_RETRY_AFTER_SECONDS;
    this.extensions = { reason: 'idempotency_key_in_progress' };
  }
}

/**
 * 422: this `Idempotency-Key` was used with another request (method, path or body) — the draft's
 * "idempotency key is already used with a different payload". The client needs a new key.
 */
export class IdempotencyKeyReusedError extends ChainError {
  readonly code = 'conflict';
  readonly status = 422;

  constructor() {
    super('This Idempotency-Key was already used for a different request; use a new key for a new request.');
    this.extensions = { reason: 'idempotency_key_reused' };
  }
}
