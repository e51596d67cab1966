/** OAuth `error` values Entra uses at its token endpoint (docs/entra-protocol.md#token-endpoint-errors). */
export const OAuthError = {
  InvalidRequest: 'invalid_request',
  InvalidGrant: 'invalid_grant',
  InvalidClient: 'invalid_client',
  UnauthorizedClient: 'unauthorized_client',
  UnsupportedGrantType: 'unsupported_grant_type',
  InvalidResource: 'invalid_resource',
  InvalidScope: 'invalid_scope',
  InteractionRequired: 'interaction_required',
  TemporarilyUnavailable: 'temporarily_unavailable',
  ConsentRequired: 'consent_required',
  LoginRequired: 'login_required',
  /** Device code flow (RFC 8628 §3.5; Entra's device code documentation). */
  AuthorizationPending: 'authorization_pending',
  ExpiredToken: 'expired_token',
  BadVerificationCode: 'bad_verification_code',
} as const;
export type OAuthError = (typeof OAuthError)[keyof typeof OAuthError];

export interface EntraErrorOptions {
  /** HTTP status; 400 by default, 401 for `invalid_client` (Entra's behaviour). */
  readonly status?: number;
  readonly suberror?: string;
  /** Claims challenge as a JSON string (not base64), as Entra returns it. */
  readonly claims?: string;
  readonly retryAfterSeconds?: number;
  /** Azure AD B2C's own codes are `AADB2C<code>`; everything else is `AADSTS<code>`. */
  readonly prefix?: 'AADSTS' | 'AADB2C';
}

/** An error answered in Entra's token-endpoint shape: `AADSTS<code>: <message>` plus the trace fields. */
export class EntraError extends Error {
  readonly status: number;

  constructor(
    readonly error: OAuthError,
    readonly code: number,
    readonly description: string,
    readonly options: EntraErrorOptions = {},
  ) {
    super(`${options.prefix ?? 'AADSTS'}${code}: ${description}`);
    this.name = 'EntraError';
    this.status = options.status ?? (error === OAuthError.InvalidClient ? 401 : 400);
  }
}

/** Trace data of one request: `trace_id` = `x-ms-request-id`, `correlation_id` echoes `client-request-id`. */
export interface TraceIds {
  readonly traceId: string;
  readonly correlationId: string;
}

/** Entra's timestamp format in error bodies: `2016-01-09 02:02:12Z`. */
export function entraTimestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The JSON body of docs/entra-protocol.md#token-endpoint-errors. */
export function renderEntraError(err: EntraError, ids: TraceIds, nowMs: number): Record<string, unknown> {
  const timestamp = entraTimestamp(nowMs);
  const body: Record<string, unknown> = {
    error: err.error,
    error_description: `${err.message}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
  };
  if (err.options.suberror !== undefined) body['suberror'] = err.options.suberror;
  if (err.options.claims !== undefined) body['claims'] = err.options.claims;
  return body;
}

/** Azure AD B2C's error body: no `error_codes` or `trace_id` (docs/entra-protocol.md#azure-ad-b2c-differences). */
export function renderB2cError(err: EntraError, ids: TraceIds, nowMs: number): Record<string, unknown> {
  return {
    error: err.error,
    error_description: `${err.message}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${entraTimestamp(nowMs)}\r\n`,
  };
}
