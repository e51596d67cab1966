import fc from 'fast-check';

import { FORBIDDEN_MEMBERS } from './body-limits.options';
import { exceedsJsonDepth, forbiddenMemberOf } from './json-shape';

/** Bounded runs; `FC_SEED=<seed>` replays a failure (fast-check prints the seed and path when one fails). */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 300,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};

/** Nesting depth of a parsed JSON value, the reference the byte scanner must agree with. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('json-shape (property-based)', () => {
  it('decides "deeper than the limit" from the bytes exactly as the parsed value says, strings with brackets included', () => {
    const text = fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v, null, 1));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 10 }), (json, limit) => {
        const bytes = Buffer.from(json, 'utf8');
        expect(exceedsJsonDepth(bytes, limit)).toBe(depthOf(JSON.parse(json)) > limit);
      }),
      RUNS,
    );
  });

  it('never throws on bytes that are not JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.integer({ min: 1, max: 64 }), (bytes, limit) => {
        expect(typeof exceedsJsonDepth(bytes, limit)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('finds a forbidden member wherever it is placed in a parsed body, and nothing in a body without one', () => {
    const forbidden = fc.constantFrom(...FORBIDDEN_MEMBERS);
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.option(forbidden, { nil: undefined }),
        fc.nat(),
        (value, name, at) => {
          const clean = JSON.parse(
            JSON.stringify(value, (key, v: unknown) => (FORBIDDEN_MEMBERS.has(key) ? undefined : v)),
          ) as unknown;
          if (name === undefined) return expect(forbiddenMemberOf(clean)).toBeUndefined();
          const containers: object[] = [];
          const collect = (v: unknown): void => {
            if (v === null || typeof v !== 'object') return;
            containers.push(v);
            Object.values(v).forEach(collect);
          };
          const root = { wrapper: clean };
          collect(root);
          const target = containers.filter((c) => !Array.isArray(c))[at % containers.length] ?? root;
          Object.defineProperty(target, name, { value: 1, enumerable: true });
          expect(forbiddenMemberOf(root)).toBe(name);
        },
      ),
      RUNS,
    );
  });
});
