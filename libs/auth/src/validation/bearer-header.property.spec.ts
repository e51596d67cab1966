import fc from 'fast-check';

import { bearerTokenOf } from './jwt-auth.guard';
import { InvalidTokenError } from './validation.errors';

/** Bounded runs; `FC_SEED=<seed>` replays a failure (fast-check prints the seed and path when one fails). */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 300,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};

/** Node's default limit for all request headers together (16 KiB): the longest Authorization header possible. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Time one parse may take on such a header: linear work is well under a millisecond. */
const BUDGET_MS = 100;

const whitespace = fc
  .array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 5 })
  .map((w) => w.join(''));
const token = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,64}$/);

/** The outcome of reading a header: the token, or the code of the 401. */
function outcome(header: string): { token: string } | { code: string } {
  try {
    return { token: bearerTokenOf({ headers: { authorization: header } }) };
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    return { code: error.code };
  }
}

describe('bearerTokenOf: the Authorization header parser (property-based)', () => {
  it('answers a token without whitespace or a 401 token_missing/token_malformed for any header, never another error', () => {
    const header = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc
        .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearerx'), fc.string())
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(header, (value) => {
        const result = outcome(value);
        if ('token' in result) {
          expect(result.token.length).toBeGreaterThan(0);
          expect(result.token).not.toMatch(/\s/);
        } else {
          expect(['token_missing', 'token_malformed']).toContain(result.code);
        }
      }),
      RUNS,
    );
  });

  it('returns exactly the token of `Bearer <token>`, whatever the case of the scheme and the whitespace around', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Bearer', 'bearer', 'BeArEr'),
        whitespace,
        token,
        fc.option(whitespace),
        (scheme, ws, t, trail) => {
          expect(outcome(`${scheme}${ws}${t}${trail ?? ''}`)).toEqual({ token: t });
        },
      ),
      RUNS,
    );
  });

  it('answers token_malformed to a Bearer header with two tokens or none', () => {
    fc.assert(
      fc.property(whitespace, token, token, (ws, a, b) => {
        expect(outcome(`Bearer${ws}${a}${ws}${b}`)).toEqual({ code: 'token_malformed' });
        expect(outcome(`Bearer${ws}`)).toEqual({ code: 'token_malformed' });
      }),
      RUNS,
    );
  });

  it('reads a header of the largest size Node accepts in linear time, whatever its whitespace', () => {
    // Found by this property: `^Bearer(?:\s+(\S*))?\s*$` backtracks quadratically on `Bearer` + a long run of
    // whitespace + two words (≈0.7 s of CPU for one 16 KiB header, before any authentication).
    const tail = fc.constantFrom('x y', 'x', '', 'x\u00a0y', ' \t');
    fc.assert(
      fc.property(whitespace, tail, (ws, end) => {
        const padding = ws.repeat(Math.ceil(MAX_HEADER_BYTES / ws.length)).slice(0, MAX_HEADER_BYTES - 10);
        // The fastest of three parses: a GC pause or a busy machine can stretch one, not all three, while the
        // quadratic regex took ≈0.7 s every time.
        const fastest = Math.min(
          ...[1, 2, 3].map(() => {
            const started = process.hrtime.bigint();
            outcome(`Bearer${padding}${end}`);
            return Number(process.hrtime.bigint() - started) / 1e6;
          }),
        );
        expect(fastest).toBeLessThan(BUDGET_MS);
      }),
      { ...RUNS, numRuns: 40 },
    );
  });
});
