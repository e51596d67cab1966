import { buildBearerChallenge } from '../errors/bearer-challenge';
import { ChainError } from '../errors/chain.error';
import type { ErrorCode } from '../errors/error-codes';

/** Codes of a 401: the token itself is unusable here (RFC 6750 `invalid_token`). */
export type InvalidTokenCode = Extract<
  ErrorCode,
  | 'token_missing'
  | 'token_malformed'
  | 'token_too_large'
  | 'token_algorithm_not_allowed'
  | 'token_signature_invalid'
  | 'token_key_unknown'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_audience_invalid'
  | 'token_issuer_invalid'
  | 'token_tenant_not_allowed'
  | 'token_no_permissions'
  | 'delegation_invalid'
  | 'delegation_expired'
  | 'delegation_audience_invalid'
  | 'delegation_caller_untrusted'
  | 'delegation_binding_invalid'
  | 'delegation_signature_invalid'
>;

/**
 * 401 with `WWW-Authenticate: Bearer error="invalid_token"`; no `error` at all when no token was
 * sent (RFC 6750 §3.1).
 */
export class InvalidTokenError extends ChainError {
  readonly status = 401;

  constructor(
    readonly code: InvalidTokenCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.wwwAuthenticate =
      code === 'token_missing'
        ? buildBearerChallenge()
        : buildBearerChallenge({ error: 'invalid_token', errorDescription: detail });
  }
}

/** Codes of a 403: a valid token lacking what the route requires. */
export type InsufficientScopeCode = Extract<
  ErrorCode,
  | 'scope_missing'
  | 'app_role_missing'
  | 'caller_not_allowed'
  | 'user_token_required'
  | 'app_token_required'
  | 'delegation_scope_not_allowed'
>;

/** 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` (RFC 6750 §3.1). */
export class InsufficientScopeError extends ChainError {
  readonly status = 403;

  constructor(
    readonly code: InsufficientScopeCode,
    detail: string,
    scope?: readonly string[],
  ) {
    super(detail);
    this.wwwAuthenticate = buildBearerChallenge({
      error: 'insufficient_scope',
      errorDescription: detail,
      ...(scope?.length ? { scope: scope.join(' ') } : {}),
    });
  }
}

/** 503: the JWKS could not be fetched, so no token can be checked right now (not the caller's fault). */
export class SigningKeysUnavailableError extends ChainError {
  readonly code = 'signing_keys_unavailable' as const;
  readonly status = 503;

  constructor(options?: { cause?: unknown }) {
    super('The signing keys of the token issuer could not be fetched; retry shortly.', options);
    this.retryAfterSeconds = 5;
  }
}
