/** What the BFF does with a repeated `Idempotency-Key` on a route. */
export const IdempotencyMode = {
  /** Keep the first success and send it again for the same request (JSON routes). */
  Replay: 'replay',
  /** Refuse a concurrent request only (409); the downstream that performs the write replays (streamed upload). */
  Exclusive: 'exclusive',
} as const;
export type IdempotencyMode = (typeof IdempotencyMode)[keyof typeof IdempotencyMode];

/** Route metadata key of the {@link IdempotencyMode}. */
export const IDEMPOTENT_MODE = 'bff:idempotent-mode';

/** Injection token of the `IdempotencySettings`. */
export const IDEMPOTENCY_SETTINGS = Symbol('IDEMPOTENCY_SETTINGS');
