import { hostOfUrl, transportCauseOf, transportCodeOf, transportHint } from './transport-cause';

/**
 * Why a host could not be reached (DNS, refused, TLS, timeout), in words that name the fix — what the
 * broker puts in its `token_service_unavailable` / `downstream_unreachable` details, for other probes of
 * the same hosts (the JWKS readiness check): `codeOf(error)` (the Node/undici error code), `causeOf(code)`
 * (its kind), `hint(cause, target)` (the sentence) and `hostOf(url)`.
 */
export const TransportFailure = {
  codeOf: transportCodeOf,
  causeOf: transportCauseOf,
  hint: transportHint,
  hostOf: hostOfUrl,
} as const;
