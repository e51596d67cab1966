import { buildBearerChallenge, type ErrorCode } from '../errors';
import { TokenBrokerError } from '../token-broker/token-broker.errors';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../token-broker/token-error.mapper';

/** Shortest downstream call worth starting, in ms: with less left of the request's budget, 504 at once. */
export const MIN_DOWNSTREAM_CALL_MS = 100;

/** Relayed 4xx statuses and the stable code each becomes (docs/CONTRACTS.md error codes). */
const RELAYED_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  403: 'downstream_forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
// ERR_CANCELED: the hard cap of the call (its AbortSignal) fired, the only way this client cancels.
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);
const MAX_DETAIL = 500;

/** The downstream's reason: its problem `detail`, else `title`, else `error_description`, else the status. */
function reasonOf(name: string, status: number, body: unknown, challengeDescription?: string): string {
  const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const reason = [record['detail'], record['title'], record['error_description'], challengeDescription].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return (reason ?? `downstream "${name}" answered HTTP ${status}`).slice(0, MAX_DETAIL);
}

/** Extra problem members naming the downstream and what it said (never its headers or tokens). */
function extensionsOf(name: string, status: number, body: unknown): Record<string, unknown> {
  const code =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['code'] : undefined;
  return {
    downstream: name,
    downstreamStatus: status,
    ...(typeof code === 'string' ? { downstreamCode: code } : {}),
  };
}

/** The parts of a downstream's `WWW-Authenticate` the mapper relays. */
export interface DownstreamChallenge {
  readonly error?: string;
  readonly errorDescription?: string;
  readonly scope?: string;
}

/**
 * Maps a downstream's error answer to the caller's typed error: 403 keeps its status and the downstream's
 * reason; 400/404/409/413/415 (and other 4xx) are relayed with the same status and problem detail so a
 * BFF can pass them through; 401 → 502 `downstream_unauthorized` (the downstream refused this service's
 * token, not the caller's: a 401 would send the caller to sign in again for nothing); 5xx → 502
 * `downstream_unreachable` (504 when the downstream's own upstream timed out).
 */
export function mapDownstreamStatus(
  name: string,
  status: number,
  body: unknown,
  challenge?: DownstreamChallenge,
  retryAfterSeconds?: number,
): TokenBrokerError {
  const extensions = extensionsOf(name, status, body);
  if (status >= 500) {
    const timeout = status === 504;
    return new TokenBrokerError({
      code: timeout ? 'downstream_timeout' : 'downstream_unreachable',
      status: timeout ? 504 : 502,
      detail: `Downstream "${name}" failed (HTTP ${status}).`,
      retryAfterSeconds,
      extensions,
    });
  }
  const detail = reasonOf(name, status, body, challenge?.errorDescription);
  if (status === 401) return refusedOurToken(name, detail, extensions);
  const wwwAuthenticate =
    status === 403 && challenge?.error
      ? buildBearerChallenge({
          error: 'insufficient_scope',
          errorDescription:
            `Downstream "${name}" refused the call: ${challenge?.errorDescription ?? detail}`.slice(
              0,
              MAX_DETAIL,
            ),
        })
      : undefined;
  return new TokenBrokerError({
    code: RELAYED_CODES[status] ?? 'validation_failed',
    status,
    detail,
    wwwAuthenticate,
    retryAfterSeconds,
    extensions,
  });
}

/** 502: the downstream answered 401 to this service's token (after one retry with a new one, if cached). */
function refusedOurToken(
  name: string,
  reason: string,
  extensions: Record<string, unknown>,
): TokenBrokerError {
  return new TokenBrokerError({
    code: 'downstream_unauthorized',
    status: 502,
    detail: `Downstream "${name}" refused this service's token (HTTP 401): ${reason}`.slice(0, MAX_DETAIL),
    extensions,
  });
}

/** 504 before calling: the request's time budget is spent (or too little of it is left). */
export function downstreamBudgetSpent(name: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'downstream_timeout',
    status: 504,
    detail: `Downstream "${name}" was not called: the request's time budget is spent.`,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
    extensions: { downstream: name },
  });
}

/**
 * Maps a transport failure (no HTTP answer) to 502 `downstream_unreachable` or 504 `downstream_timeout`
 * (with `Retry-After`); `cutByDeadline` when the timeout was what was left of the request's budget.
 */
export function mapDownstreamTransportError(
  name: string,
  timeoutMs: number,
  error: unknown,
  cutByDeadline = false,
): TokenBrokerError {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  // Never keep the transport error itself as `cause`: an AxiosError holds the request config, headers included.
  const cause = new Error(`transport error ${typeof code === 'string' ? code : 'unknown'}`);
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new TokenBrokerError({
      code: 'downstream_timeout',
      status: 504,
      detail: `Downstream "${name}" did not answer within ${timeoutMs} ms${cutByDeadline ? " (the rest of the request's time budget)" : ''}.`,
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
      extensions: { downstream: name },
      cause,
    });
  }
  const known = typeof code === 'string' && UNREACHABLE_CODES.has(code) ? ` (${code})` : '';
  return new TokenBrokerError({
    code: 'downstream_unreachable',
    status: 502,
    detail: `Downstream "${name}" could not be reached${known}.`,
    extensions: { downstream: name },
    cause,
  });
}
