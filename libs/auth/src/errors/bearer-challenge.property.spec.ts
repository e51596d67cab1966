import fc from 'fast-check';

import { buildBearerChallenge, parseBearerChallenge } from './bearer-challenge';

/** Bounded runs; `FC_SEED=<seed>` replays a failure (fast-check prints the seed and path when one fails). */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 300,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};

/** Node's default limit for all request headers together (`--max-http-header-size`, 16 KiB). */
const MAX_HEADER_BYTES = 16 * 1024;
/** Time one parse may take on a header of that size: linear work is well under a millisecond. */
const BUDGET_MS = 100;

const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
};

/** Header text built from the pieces a challenge is made of, so that the parser's paths are all reached. */
const challengeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'Bearer',
        'bearer',
        'Basic',
        'Negotiate',
        ',',
        ', ',
        '=',
        '"',
        '\\',
        ' ',
        '\t',
        'realm=',
      ),
      fc.constantFrom('error', 'error_description', 'claims', 'scope', 'authorization_uri'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Printable ASCII without `"` and `\` (what RFC 6750 allows in error_description), and any text. */
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});

describe('parseBearerChallenge (property-based)', () => {
  it('returns a challenge or undefined for any header text, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(challengeText, fc.string(), fc.string({ unit: 'binary' })), (header) => {
        const parsed = parseBearerChallenge(header);
        if (parsed === undefined) return;
        expect(typeof parsed.params).toBe('object');
        if (parsed.claims !== undefined) expect(() => JSON.parse(parsed.claims!) as unknown).not.toThrow();
      }),
      RUNS,
    );
  });

  it('parses a header of the largest size Node accepts in linear time, whatever its shape', () => {
    const unit = fc.constantFrom(' ', '\t', ',', '=', '"', '\\', 'a', 'Bearer ', 'x="', ' , ');
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 8 }), (pattern) => {
        const piece = pattern.join('');
        const header = `Bearer ${piece.repeat(Math.ceil(MAX_HEADER_BYTES / piece.length))}`.slice(
          0,
          MAX_HEADER_BYTES,
        );
        expect(timed(() => parseBearerChallenge(header)).ms).toBeLessThan(BUDGET_MS);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('reads back every parameter buildBearerChallenge wrote, and the claims JSON', () => {
    const claimsJson = fc.json({ maxDepth: 3 }).filter((j) => j.startsWith('{'));
    fc.assert(
      fc.property(
        fc.record(
          {
            realm: printable,
            authorizationUri: printable,
            error: fc.constantFrom('invalid_token', 'insufficient_scope', 'insufficient_claims'),
            errorDescription: fc.string(),
            scope: printable,
          },
          { requiredKeys: [] },
        ),
        fc.option(claimsJson, { nil: undefined }),
        fc.boolean(),
        (challenge, claims, urlSafe) => {
          const encoded =
            claims === undefined ? undefined : Buffer.from(claims).toString(urlSafe ? 'base64url' : 'base64');
          const header = buildBearerChallenge({ ...challenge, ...(encoded ? { claims: encoded } : {}) });
          const parsed = parseBearerChallenge(header);
          expect(parsed).toBeDefined();
          expect(parsed!.realm).toBe(challenge.realm);
          expect(parsed!.authorizationUri).toBe(challenge.authorizationUri);
          expect(parsed!.error).toBe(challenge.error);
          expect(parsed!.scope).toBe(challenge.scope);
          if (challenge.errorDescription !== undefined)
            expect(parsed!.errorDescription).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
          expect(parsed!.claims).toBe(claims);
        },
      ),
      RUNS,
    );
  });

  it('finds the Bearer challenge after one of another scheme', () => {
    fc.assert(
      fc.property(printable, (realm) => {
        const header = `Basic realm="${realm.replace(/["\\]/g, '')}", ${buildBearerChallenge({ error: 'invalid_token' })}`;
        expect(parseBearerChallenge(header)?.error).toBe('invalid_token');
      }),
      RUNS,
    );
  });
});
