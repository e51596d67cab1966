import type { DownstreamFlow } from './token-broker.options';

/** One request to the token service, as the broker asks for it. */
export interface TokenRequest {
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  /** On-behalf-of: the incoming access token (the user assertion). Never logged. */
  readonly assertion?: string;
  /** Claims request JSON (a claims challenge), sent as the `claims` form field. */
  readonly claims?: string;
  /** Correlation id sent to the token service as `client-request-id`. */
  readonly correlationId: string;
}

/** A token as the token service issued it. */
export interface AcquiredToken {
  readonly accessToken: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresOnMs: number;
}

/**
 * The port to the token service. The broker holds caching, single-flight and resilience; an acquirer only
 * performs one token request. The production adapter is {@link MsalTokenAcquirer}; unit tests fake it.
 */
export interface TokenAcquirer {
  acquire(request: TokenRequest): Promise<AcquiredToken>;
}

/** Injection token of the {@link TokenAcquirer} port. */
export const TOKEN_ACQUIRER = Symbol('TOKEN_ACQUIRER');

/** What went wrong at the token service, normalised from the adapter's own errors. */
export const TokenServiceFailureKind = {
  /** The token service answered with an OAuth error (4xx, or 5xx with a body). */
  Rejected: 'rejected',
  /** 5xx, 429 or `temporarily_unavailable`: worth retrying. */
  Unavailable: 'unavailable',
  /** No answer: connection refused/reset, DNS, TLS. */
  Network: 'network',
  /** No answer in time. */
  Timeout: 'timeout',
} as const;

export type TokenServiceFailureKind = (typeof TokenServiceFailureKind)[keyof typeof TokenServiceFailureKind];

/** Details of a {@link TokenServiceFailure}; OAuth fields as in docs/entra-protocol.md#token-endpoint-errors. */
export interface TokenServiceFailureDetails {
  readonly kind: TokenServiceFailureKind;
  readonly status?: number;
  /** OAuth `error`, e.g. `invalid_grant`. */
  readonly error?: string;
  /** Entra `suberror`, e.g. `consent_required`. */
  readonly subError?: string;
  /** AADSTS numbers from `error_codes`. */
  readonly errorCodes?: readonly number[];
  /** Claims challenge JSON (not base64), from an `interaction_required` answer. */
  readonly claims?: string;
  /** From the `Retry-After` header, in seconds. */
  readonly retryAfterSeconds?: number;
  /** The token service's `correlation_id` (the `client-request-id` the request carried). */
  readonly correlationId?: string;
  /** The token service's `trace_id` (Entra's request id), when it answered. */
  readonly traceId?: string;
  /** No answer: the Node.js code of the transport failure, e.g. `SELF_SIGNED_CERT_IN_CHAIN`, `ENOTFOUND`. */
  readonly transportCode?: string;
  /**
   * The kind of client credential that was presented, when it changes the fix (`federated-token-file`:
   * the federated identity credential or the token file, not a secret).
   */
  readonly credentialKind?: string;
  /** A problem of this service's own configuration found before any request (names a file, never a value). */
  readonly configurationProblem?: string;
}

/** Error an acquirer throws; the broker maps it to a typed {@link ChainError}. Carries no token material. */
export class TokenServiceFailure extends Error {
  constructor(
    readonly details: TokenServiceFailureDetails,
    options?: { cause?: unknown },
  ) {
    super(
      `token service ${details.kind}${details.status ? ` (HTTP ${details.status})` : ''}${details.error ? `: ${details.error}` : ''}${details.errorCodes?.length ? ` AADSTS${details.errorCodes.join(',')}` : ''}`,
      options,
    );
    this.name = 'TokenServiceFailure';
  }

  /** Whether another attempt may succeed (5xx, 429, network, timeout). */
  get retryable(): boolean {
    return this.details.kind !== TokenServiceFailureKind.Rejected;
  }
}
