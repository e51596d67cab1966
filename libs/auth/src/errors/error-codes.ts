/**
 * The stable problem codes of @chain/auth and the generic HTTP ones every service shares
 * (docs/CONTRACTS.md "Errors"). Clients branch on these, never on text: extend the list, never rename an
 * entry. An app's own domain codes are not listed here: it declares them beside its errors with
 * `ChainError<TheirCode>` and a `title` (docs/CONTRACTS.md "Errors").
 */
export const ERROR_TITLES = {
  token_missing: 'Authentication required',
  token_malformed: 'Malformed access token',
  token_too_large: 'Access token too large',
  token_algorithm_not_allowed: 'Signing algorithm not allowed',
  token_signature_invalid: 'Invalid token signature',
  token_key_unknown: 'Unknown signing key',
  token_expired: 'Access token expired',
  token_not_yet_valid: 'Access token not yet valid',
  token_audience_invalid: 'Access token not meant for this API',
  token_issuer_invalid: 'Access token from an untrusted issuer',
  token_tenant_not_allowed: 'Tenant not allowed',
  token_no_permissions: 'Access token carries no permissions',
  token_assertion_rejected: 'Access token refused by the token service',
  delegation_invalid: 'Invalid user-delegation proof',
  delegation_expired: 'User-delegation proof expired',
  delegation_audience_invalid: 'User-delegation proof not meant for this API',
  delegation_caller_untrusted: 'Calling application not trusted to delegate users',
  delegation_binding_invalid: 'User-delegation proof not bound to this call',
  delegation_signature_invalid: 'Invalid user-delegation proof signature',
  signing_keys_unavailable: 'Signing keys unavailable',
  scope_missing: 'Scope missing',
  app_role_missing: 'App role missing',
  caller_not_allowed: 'Calling application not allowed',
  user_token_required: 'User token required',
  app_token_required: 'Application token required',
  delegation_scope_not_allowed: 'Delegated scope not allowed for this caller',
  delegation_requires_user: 'Verified delegation needs a signed-in user',
  claims_challenge: 'Stronger authentication required',
  consent_required: 'Consent required',
  obo_requires_user: 'On-behalf-of needs a user token',
  token_service_unavailable: 'Token service unavailable',
  token_service_rejected: 'Token service refused the request',
  client_credentials_invalid: 'Client credentials invalid',
  federated_credential_rejected: 'Workload identity token refused by the token service',
  federated_token_unreadable: 'Workload identity token file unreadable',
  downstream_unreachable: 'Downstream API unreachable',
  downstream_timeout: 'Downstream API timed out',
  downstream_unauthorized: 'Downstream API refused the token',
  downstream_forbidden: 'Downstream API refused access',
  validation_failed: 'Request validation failed',
  bad_request: 'Bad request',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  method_not_allowed: 'Method not allowed',
  too_many_requests: 'Too many requests',
  service_unavailable: 'Service unavailable',
  internal: 'Internal error',
} as const;

/** A stable problem code (union of the keys of {@link ERROR_TITLES}). */
export type ErrorCode = keyof typeof ERROR_TITLES;

/** Base of every problem `type` URI: `${PROBLEM_TYPE_BASE}<code>`. */
export const PROBLEM_TYPE_BASE = 'https://entra-api-chain.dev/problems/';
