import fc from 'fast-check';

import { readTokenHeader } from './token-header';
import { InvalidTokenError } from './validation.errors';

/** Bounded runs; `FC_SEED=<seed>` replays a failure (fast-check prints the seed and path when one fails). */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 300,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const SIGNATURE = b64url('signature');
const PAYLOAD = b64url('{"sub":"x"}');

/** The outcome of the header checks: the header read, or the code of the 401. */
function outcome(token: string): { header: { alg: string; kid: string; typ?: string } } | { code: string } {
  try {
    return { header: readTokenHeader(token) };
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    return { code: error.code };
  }
}

/** Header members: the ones the checks read, with good and bad values, and others. */
const member = fc.oneof(
  fc.tuple(
    fc.constant('alg'),
    fc.oneof(fc.constantFrom('RS256', 'none', 'HS256', 'rs256', 'ES256'), fc.jsonValue()),
  ),
  fc.tuple(fc.constant('kid'), fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue())),
  fc.tuple(fc.constant('typ'), fc.oneof(fc.constantFrom('JWT', 'at+jwt'), fc.jsonValue())),
  fc.tuple(fc.constantFrom('crit', 'jku', 'x5u', 'jwk', 'x5t', 'cty'), fc.jsonValue()),
  fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
);

/** A header object as JSON text, member by member (so repeated names survive), with its member names. */
const header = fc.array(member, { maxLength: 6 }).map((members) => ({
  names: members.map(([name]) => name),
  text: `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
}));

describe('readTokenHeader: the token header checks (property-based)', () => {
  it('reads a header or answers 401 for any text, never another error', () => {
    const anyToken = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 5 }).map((p) => p.join('.')),
      fc
        .tuple(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 20 }))
        .map(([h, s]) => `${b64url(h)}.${PAYLOAD}.${b64url(s)}`),
    );
    fc.assert(
      fc.property(anyToken, (token) => {
        const result = outcome(token);
        if ('code' in result)
          expect(['token_malformed', 'token_algorithm_not_allowed']).toContain(result.code);
      }),
      RUNS,
    );
  });

  it('accepts a header exactly when it is one JSON object with RS256, a usable kid, no crit and no repeated member', () => {
    fc.assert(
      fc.property(header, fc.boolean(), ({ names, text }, signed) => {
        const token = `${b64url(text)}.${PAYLOAD}.${signed ? SIGNATURE : ''}`;
        const fields = JSON.parse(text) as Record<string, unknown>;
        const kid = fields['kid'];
        const acceptable =
          signed &&
          fields['alg'] === 'RS256' &&
          typeof kid === 'string' &&
          kid.length > 0 &&
          kid.length <= 256 &&
          !('crit' in fields) &&
          !text.includes('\\') &&
          new Set(names).size === names.length;
        const result = outcome(token);
        if (acceptable) expect(result).toEqual({ header: expect.objectContaining({ alg: 'RS256', kid }) });
        else expect(result).toHaveProperty('code');
      }),
      RUNS,
    );
  });

  it('refuses a repeated member however it is spelled, so that no parser differential decides the alg or kid', () => {
    fc.assert(
      fc.property(fc.constantFrom('alg', 'kid', 'typ'), fc.string({ maxLength: 10 }), (name, value) => {
        const text = `{"alg":"RS256","kid":"k","typ":"JWT","${name}":${JSON.stringify(value)}}`;
        expect(outcome(`${b64url(text)}.${PAYLOAD}.${SIGNATURE}`)).toEqual({ code: 'token_malformed' });
        const escaped = `{"alg":"RS256","kid":"k","\\u0061lg":"none"}`;
        expect(outcome(`${b64url(escaped)}.${PAYLOAD}.${SIGNATURE}`)).toEqual({ code: 'token_malformed' });
      }),
      RUNS,
    );
  });

  it('checks a header of the largest token Node would pass in linear time', () => {
    const unit = fc.constantFrom('{', '[', '"', ':', ',', 'a', '\\', ' ', '"a":');
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 6 }), (pattern) => {
        const piece = pattern.join('');
        const text = piece.repeat(Math.ceil(12_000 / piece.length));
        const started = process.hrtime.bigint();
        outcome(`${b64url(text)}.${PAYLOAD}.${SIGNATURE}`);
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });
});
