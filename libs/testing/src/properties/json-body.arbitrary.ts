import type fastCheck from 'fast-check';
import type { Arbitrary, Parameters } from 'fast-check';

/** fast-check, handed in by the test (this library does not load it at run time: `npm start` uses it too). */
type Fc = typeof fastCheck;

/**
 * Bounded runs (at most 60 s per property); `FC_SEED=<seed>` replays a failure (fast-check prints the
 * seed and path when one fails).
 */
export function propertyRuns(numRuns: number): Parameters<unknown> {
  const seed = process.env['FC_SEED'];
  return { numRuns, interruptAfterTimeLimit: 60_000, ...(seed ? { seed: Number(seed) } : {}) };
}

/** JSON text `leaf` wrapped in 1–3,000 levels of arrays or objects (past any sane depth limit). */
export function nestedJson(fc: Fc, leaf: string): Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom('[', '{"a":'))
    .map(([levels, open]) => `${open.repeat(levels)}${leaf}${(open === '[' ? ']' : '}').repeat(levels)}`);
}

/** What a write route's body is made of, for {@link jsonBodyBytes}. */
export interface JsonBodyShape {
  /** The route's members, each with values that are valid or near misses. */
  readonly valid: Readonly<Record<string, Arbitrary<unknown>>>;
  /** Member names beside the valid ones: forbidden (`__proto__`), read-only, unknown. */
  readonly oddNames: readonly string[];
  /** Most members in one object. */
  readonly maxMembers: number;
  /** The member of the body made larger than the size limit. */
  readonly longMember: string;
  /** More kinds of body (e.g. binary text). */
  readonly extra?: readonly Arbitrary<Buffer>[];
}

/**
 * Any request body for a JSON write route: mostly objects built member by member (valid terms, wrong
 * types, unknown and forbidden members, repeats), sometimes any JSON, nested thousands deep, binary, or
 * larger than the size limit.
 */
export function jsonBodyBytes(fc: Fc, shape: JsonBodyShape): Arbitrary<Buffer> {
  const names = Object.keys(shape.valid);
  const memberName = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    fc.constantFrom(...shape.oddNames),
    fc.string({ maxLength: 10 }),
  );
  const memberValue = (name: string): Arbitrary<string> =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: (Object.hasOwn(shape.valid, name) ? shape.valid[name]! : fc.jsonValue()).map(
          (v) => JSON.stringify(v) ?? 'null',
        ),
      },
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.constantFrom('null', '""', '[]', '{}', '-0', '1e400'),
      nestedJson(fc, '1'),
    );
  const objectText = fc
    .array(
      memberName.chain((name) => memberValue(name).map((value) => `${JSON.stringify(name)}:${value}`)),
      { maxLength: shape.maxMembers },
    )
    .map((members) => `{${members.join(',')}}`);
  return fc.oneof(
    { weight: 6, arbitrary: objectText.map((t) => Buffer.from(t)) },
    fc.json().map((t) => Buffer.from(t)),
    nestedJson(fc, '{}').map((t) => Buffer.from(t)),
    ...(shape.extra ?? []),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc
      .integer({ min: 90_000, max: 200_000 })
      .map((n) => Buffer.from(`{${JSON.stringify(shape.longMember)}:"${'x'.repeat(n)}"}`)),
  );
}
