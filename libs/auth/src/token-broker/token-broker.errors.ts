import { ChainError, type ErrorCode } from '../errors';

/** Everything a broker or downstream-client error carries (never a token). */
export interface BrokerErrorInit {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly wwwAuthenticate?: string;
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;
  readonly cause?: unknown;
}

/**
 * The typed error of the token broker and the downstream client, rendered by the global problem filter
 * (DESIGN.md error contract): `consent_required`, `obo_requires_user`, `claims_challenge`,
 * `token_service_unavailable`, `client_credentials_invalid`, `downstream_*`, relayed 4xx, …
 */
export class TokenBrokerError extends ChainError {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(init: BrokerErrorInit) {
    super(init.detail, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.wwwAuthenticate = init.wwwAuthenticate;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.extensions = init.extensions;
  }
}
