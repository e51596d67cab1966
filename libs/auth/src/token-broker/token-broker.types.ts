import type { Deadline } from '../context/request-deadline';
import type { DownstreamFlow } from './token-broker.options';

/** The clock of the broker (epoch ms); injectable so token tests freeze time. */
export interface BrokerClock {
  now(): number;
}

/** Injection token of the {@link BrokerClock}; defaults to `Date.now`. */
export const TOKEN_BROKER_CLOCK = Symbol('TOKEN_BROKER_CLOCK');

/**
 * What the broker needs of the caller's principal (a subset of `Principal`). The user facts are read only
 * for verified delegation, where the broker signs them into a proof.
 */
export interface BrokerPrincipal {
  readonly kind: 'user' | 'app';
  /** `exp` of the incoming token, epoch seconds. */
  readonly expiresAt: number;
  /** The incoming access token (the OBO assertion); read by the broker only, never forwarded. */
  rawToken(): string;
  readonly oid?: string;
  readonly tid?: string;
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly authMethods?: readonly string[];
  readonly authContexts?: readonly string[];
  /** The B2C policy of the user's token (`tfp`). */
  readonly policy?: string;
  /** `idp` of the user's token. */
  readonly identityProvider?: string;
  /** Set when this user arrived by verified delegation: there is no user token to exchange on-behalf-of. */
  readonly delegatedBy?: string;
}

/** Per-call options. */
export interface AcquireOptions {
  /** A claims challenge (JSON, not base64) to satisfy: bypasses the cache and asks the token service. */
  readonly claims?: string;
  /**
   * When the acquisition must be over (retries, waits and timeouts are cut to fit; past it, 503
   * `token_service_unavailable` with `Retry-After`). Default: the current request's deadline
   * (`requestDeadlineMs` after it was received), else `requestDeadlineMs` from now.
   */
  readonly deadline?: Deadline;
  /**
   * A token the downstream refused (401 `invalid_token`): it is evicted from L1 and L2 (unless already
   * replaced) and never served again; the result is another token. The downstream client sets it.
   */
  readonly refused?: BrokeredToken;
}

/** Where a brokered token came from (as in `HopRecord.token.source`). */
export type TokenSource = 'cache' | 'token-service' | 'refresh';

/** A token for one downstream call. Keep it out of logs: `toJSON()` omits the token and the proof. */
export interface BrokeredToken {
  readonly accessToken: string;
  /** Verified delegation: the user-delegation proof sent as `X-User-Delegation` beside the token. */
  readonly delegationProof?: string;
  readonly expiresOnMs: number;
  readonly flow: DownstreamFlow;
  /** `cache`; `refresh` = served from cache while a background renewal runs; `token-service` = waited for one. */
  readonly source: TokenSource;
  /** Time spent obtaining it, in milliseconds. */
  readonly acquireMs: number;
}
