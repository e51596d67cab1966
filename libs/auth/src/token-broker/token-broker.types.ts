import type { DownstreamFlow } from './token-broker.options';

/** The clock of the broker (epoch ms); injectable so token tests freeze time. */
export interface BrokerClock {
  now(): number;
}

/** Injection token of the {@link BrokerClock}; defaults to `Date.now`. */
export const TOKEN_BROKER_CLOCK = Symbol('TOKEN_BROKER_CLOCK');

/** What the broker needs of the caller's principal (a subset of `Principal`). */
export interface BrokerPrincipal {
  readonly kind: 'user' | 'app';
  /** `exp` of the incoming token, epoch seconds. */
  readonly expiresAt: number;
  /** The incoming access token (the OBO assertion); read by the broker only, never forwarded. */
  rawToken(): string;
}

/** Per-call options. */
export interface AcquireOptions {
  /** A claims challenge (JSON, not base64) to satisfy: bypasses the cache and asks the token service. */
  readonly claims?: string;
}

/** Where a brokered token came from (as in `HopRecord.token.source`). */
export type TokenSource = 'cache' | 'token-service' | 'refresh';

/** A token for one downstream call. Keep it out of logs: `toJSON()` omits the token. */
export interface BrokeredToken {
  readonly accessToken: string;
  readonly expiresOnMs: number;
  readonly flow: DownstreamFlow;
  /** `cache`; `refresh` = served from cache while a background renewal runs; `token-service` = waited for one. */
  readonly source: TokenSource;
  /** Time spent obtaining it, in milliseconds. */
  readonly acquireMs: number;
}
