import { STATUS_CODES } from 'node:http';

import { ERROR_TITLES, type ErrorCode } from './error-codes';

/**
 * The one base error of the chain: a stable `code`, an HTTP `status` and a `detail` that says which
 * check failed (never how to get past it, never a token). Rendered as `application/problem+json` by
 * {@link ChainErrorFilter} (and by @chain/platform's filter, which renders every other exception too).
 *
 * `Code` is {@link ErrorCode} for the codes of @chain/auth and the generic HTTP ones; an app adds its own
 * codes with a type of its own and a `title` for them:
 *
 * ```ts
 * const PROGRAM_TITLES = { not_owner: 'Only the owner may do this' } as const;
 * abstract class ProgramError extends ChainError<keyof typeof PROGRAM_TITLES> {
 *   override get title(): string { return PROGRAM_TITLES[this.code]; }
 * }
 * ```
 */
export abstract class ChainError<Code extends string = ErrorCode> extends Error {
  /** The stable problem code clients branch on. */
  abstract readonly code: Code;
  /** HTTP status of the answer. */
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

  /**
   * {@link status} under the name Nest's default exception filter reads on an error it does not know
   * (http-errors' `statusCode`): an app that registers neither {@link ChainErrorFilter} nor @chain/platform's
   * filter still answers a refused token with 401/403 (a JSON `{ statusCode, message }` without the problem
   * members or `WWW-Authenticate`), never with Nest's 500.
   */
  get statusCode(): number {
    return this.status;
  }

  /** http-errors (body-parser wraps an error thrown while parsing) sets it: it becomes the error's own value. */
  set statusCode(value: number) {
    ownValue(this, 'statusCode', value);
  }

  /** http-errors' `expose`: Nest's default filter shows {@link detail} for a 4xx, only the status text for a 5xx. */
  get expose(): boolean {
    return this.status < 500;
  }

  set expose(value: boolean) {
    ownValue(this, 'expose', value);
  }

  /**
   * The problem `title` (RFC 9457 §3.1.3): the same for every occurrence of the code. The codes of
   * {@link ErrorCode} have theirs; an error class with codes of its own overrides this getter.
   */
  get title(): string {
    return (
      (ERROR_TITLES as Readonly<Record<string, string>>)[this.code] ?? STATUS_CODES[this.status] ?? 'Error'
    );
  }
}

/** Replaces an accessor by an own, writable, non-enumerable value (not in logs or problem bodies). */
function ownValue(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}
