/** How long, and how many, answers the BFF keeps for replay. */
export interface IdempotencySettings {
  /** Most keys held at once (in memory: least recently used evicted first). Default 10,000. */
  readonly maxEntries: number;
  /** How long a completed answer is replayed, in milliseconds. Default 24 h. */
  readonly ttlMs: number;
  /**
   * How long a key stays "in progress" at most, in milliseconds, should its request never settle (a crash
   * between begin and end). Longer than any request's time budget. Default 60 s.
   */
  readonly leaseMs: number;
  /** Largest answer kept for replay, in bytes of JSON; a larger one is not kept (the key is released). Default 64 KiB. */
  readonly maxAnswerBytes: number;
}

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = {
  maxEntries: 10_000,
  ttlMs: 24 * 60 * 60 * 1000,
  leaseMs: 60_000,
  maxAnswerBytes: 64 * 1024,
};

/** What {@link IdempotencyStore.begin} found for a key. */
export type IdempotencyBegin =
  /** The key is new (or expired): this request owns it until `complete` or `release`. */
  | { readonly kind: 'started' }
  /** Another request with this key has not finished yet. */
  | { readonly kind: 'in-progress' }
  /** The key was used with another request (method, path or body). */
  | { readonly kind: 'mismatch' }
  /** The same request completed before: its answer, to send again. */
  | { readonly kind: 'replay'; readonly body: unknown };

/**
 * Port: the keys the BFF has seen, by scope (the user plus the key), each with the fingerprint of the
 * request that first used it. In memory by default; Redis when the BFF shares a token cache there.
 */
export abstract class IdempotencyStore {
  /** Claims `scope` for a request with `fingerprint`, or says why it cannot be (in progress, mismatch, replay). */
  abstract begin(scope: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Records the answer of the request that owns `scope`, for replay until the TTL passes. */
  abstract complete(scope: string, fingerprint: string, body: unknown): Promise<void>;
  /** Forgets `scope` (its request failed or keeps no answer), so that a retry runs again. */
  abstract release(scope: string, fingerprint: string): Promise<void>;
  /** Keys held now (in progress and completed), for the soak benchmark and readiness details. */
  abstract size(): Promise<number>;
}
