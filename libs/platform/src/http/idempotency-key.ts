import { ChainError } from '@chain/auth';

/**
 * The `Idempotency-Key` request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a
 * client-chosen key that makes a retried POST/PATCH safe. Lower case, as Node exposes request headers.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Longest key accepted, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A bare key (a Structured Field token, as many clients send it: `Idempotency-Key: 8e03…`). */
const BARE_KEY = /^[A-Za-z0-9!#$%&'*+.^_`|~:/=-]+$/;
/** A Structured Field string (RFC 8941 §3.3.3): printable ASCII, `"` and `\` escaped. */
const QUOTED_KEY = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/** The `Idempotency-Key` header is not one key of 1-255 printable ASCII characters (400). */
export class InvalidIdempotencyKeyError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super(
      `Idempotency-Key must be one string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324".`,
    );
    this.extensions = { header: 'Idempotency-Key' };
  }
}

/**
 * The key of an `Idempotency-Key` header value: the draft's sf-string (`"abc"`), or a bare token (`abc`),
 * which is accepted as the same key. `undefined` when the header is absent; throws
 * {@link InvalidIdempotencyKeyError} for anything else (an empty, over-long or repeated header, a list).
 */
export function parseIdempotencyKey(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') throw new InvalidIdempotencyKeyError();
  const value = header.trim();
  const quoted = QUOTED_KEY.exec(value);
  const key = quoted ? (quoted[1] ?? '').replace(/\\(["\\])/g, '$1') : BARE_KEY.test(value) ? value : '';
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new InvalidIdempotencyKeyError();
  return key;
}

/** The header value carrying `key` on to the service that performs the write (an sf-string). */
export function formatIdempotencyKey(key: string): string {
  return `"${key.replace(/["\\]/g, '\\$&')}"`;
}
