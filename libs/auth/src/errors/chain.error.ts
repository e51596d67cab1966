import type { ErrorCode } from './error-codes';

/**
 * The one base error of the chain: a stable `code`, an HTTP `status` and a `detail` that says which
 * check failed (never how to get past it, never a token). Rendered by {@link ProblemDetailsFilter}.
 */
export abstract class ChainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
  /** Human-readable explanation, safe to show to the caller. */
  readonly detail: string;
  /** Full `WWW-Authenticate` header value (RFC 6750) for 401/403 answers. */
  wwwAuthenticate?: string;
  /** Seconds for a `Retry-After` header (503, 429). */
  retryAfterSeconds?: number;
  /** Extra problem members (RFC 9457 §3.2); never tokens or secrets. */
  extensions?: Record<string, unknown>;

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.detail = detail;
    this.name = new.target.name;
  }
}
