/**
 * Limits every app applies to a request body while parsing it, before any pipe or validator sees it.
 * Bodies of the chain's APIs are small, flat JSON objects; these limits leave ample room for them and none
 * for a body built to exhaust the parser or the validators behind it.
 */
export interface BodyLimits {
  /** Largest body accepted, in bytes, after any `Content-Encoding` is undone. Default 100 kB (102,400). */
  readonly maxBytes: number;
  /** Deepest nesting of JSON objects and arrays accepted (the top-level object counts 1). Default 32. */
  readonly maxDepth: number;
  /** Most fields of an `application/x-www-form-urlencoded` body. Default 100. */
  readonly maxParameters: number;
}

/** The defaults of {@link BodyLimits}. */
export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBytes: 100 * 1024,
  maxDepth: 32,
  maxParameters: 100,
};

/**
 * Member names refused anywhere in a body. class-transformer skips them silently when it builds a DTO, so
 * without this check they would be dropped where every other unknown member is refused; and code that
 * merges a parsed body into an object could let them reach a prototype.
 */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** {@link DEFAULT_BODY_LIMITS} with `overrides` applied; each limit must be a positive integer. */
export function resolveBodyLimits(overrides: Partial<BodyLimits> = {}): BodyLimits {
  const limits = { ...DEFAULT_BODY_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`body limit ${name} must be a positive integer, got ${String(value)}`);
  }
  return limits;
}
