import { buildBearerChallenge, ChainError, type ErrorCode } from '../errors';

/** Everything a broker or downstream-client error carries (never a token). */
export interface BrokerErrorInit<Code extends string = ErrorCode> {
  readonly code: Code;
  readonly status: number;
  readonly detail: string;
  readonly wwwAuthenticate?: string;
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;
  readonly cause?: unknown;
}

/**
 * The typed error of the token broker and the downstream client, rendered by the global problem filter
 * (docs/token-broker.md#failure-mapping): `consent_required`, `obo_requires_user`, `claims_challenge`,
 * `token_service_unavailable`, `client_credentials_invalid`, `downstream_*`, relayed 4xx, …
 */
export class TokenBrokerError<Code extends string = ErrorCode> extends ChainError<Code> {
  readonly code: Code;
  readonly status: number;

  constructor(init: BrokerErrorInit<Code>) {
    super(init.detail, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.wwwAuthenticate = init.wwwAuthenticate;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.extensions = init.extensions;
  }
}

/** 403: a verified-delegation downstream called for an app-only principal (no user to convey). */
export function delegationRequiresUser(name: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'delegation_requires_user',
    status: 403,
    detail: `Downstream "${name}" is called by verified delegation of a signed-in user; an app-only caller has no user to convey.`,
    wwwAuthenticate: buildBearerChallenge({
      error: 'insufficient_scope',
      errorDescription: 'A user token is required',
    }),
  });
}

/** 403: an on-behalf-of downstream called for an app-only principal. */
export function oboRequiresUser(name: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'obo_requires_user',
    status: 403,
    detail: `Downstream "${name}" is called on behalf of a signed-in user; an app-only caller cannot be exchanged (on-behalf-of needs a user token).`,
    wwwAuthenticate: buildBearerChallenge({
      error: 'insufficient_scope',
      errorDescription: 'A user token is required',
    }),
  });
}

/** 403: an on-behalf-of downstream called for a user who arrived by verified delegation (no token to exchange). */
export function delegatedUserCannotObo(name: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'obo_requires_user',
    status: 403,
    detail: `Downstream "${name}" is called on-behalf-of, which needs the user's own access token; this user was conveyed by verified delegation, so this service must call "${name}" by verified delegation too (a configuration error).`,
    wwwAuthenticate: buildBearerChallenge({
      error: 'insufficient_scope',
      errorDescription: 'A user access token is required for on-behalf-of',
    }),
  });
}
