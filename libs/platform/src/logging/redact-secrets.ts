/** What replaces a redacted value in logs. */
export const REDACTED = '[REDACTED]';

/** Keys whose string values are credentials (header names, OAuth form fields, our own fields). */
const SECRET_KEY = /(authorization|cookie|token|secret|assertion|password|passwd|credential|api[-_]?key)$/i;

/** A compact JWS/JWT (header.payload.signature, header starting with `{"`). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** `Bearer <anything>` as it appears in headers or messages. */
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

const MAX_DEPTH = 8;

/** Replaces JWTs and bearer credentials inside a string. */
export function redactString(value: string): string {
  return value.replace(JWT, REDACTED).replace(BEARER, `$1 ${REDACTED}`);
}

/**
 * Returns a copy of a log record with credential-like values removed: string values under keys
 * that name a token, secret, assertion, password, cookie or authorization, and any JWT or bearer
 * credential embedded in any other string. Only plain objects and arrays are walked; other objects
 * (requests, errors) are left to their serializers.
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === 'string' && SECRET_KEY.test(key) ? REDACTED : walk(item, depth + 1);
  }
  return out;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
