import fc from 'fast-check';

import {
  formatIdempotencyKey,
  InvalidIdempotencyKeyError,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  parseIdempotencyKey,
} from './idempotency-key';

/** Bounded runs; `FC_SEED=<seed>` replays a failure (fast-check prints the seed and path when one fails). */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 300,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
});

describe('Idempotency-Key header', () => {
  it('reads the draft form (an sf-string) and the bare form as the same key', () => {
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('"a \\"quoted\\" key"')).toBe('a "quoted" key');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it('refuses empty, over-long, unquoted-with-spaces, repeated and non-ASCII keys with 400', () => {
    for (const bad of [
      '',
      '""',
      'two words',
      '"a", "b"',
      `"${'x'.repeat(256)}"`,
      '"é"',
      '"unterminated',
      ['a', 'b'],
    ]) {
      expect(() => parseIdempotencyKey(bad)).toThrow(InvalidIdempotencyKeyError);
    }
  });

  it('carries any valid key on unchanged: parse(format(key)) is the key (property-based)', () => {
    fc.assert(
      fc.property(printable, (key) => {
        expect(parseIdempotencyKey(formatIdempotencyKey(key))).toBe(key);
      }),
      RUNS,
    );
  });

  it('answers a key or a 400 for any header text, never another error (property-based)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          printable.map((k) => `"${k}"`),
        ),
        (header) => {
          try {
            const key = parseIdempotencyKey(header);
            expect(key?.length).toBeGreaterThan(0);
            expect(key!.length).toBeLessThanOrEqual(MAX_IDEMPOTENCY_KEY_LENGTH);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidIdempotencyKeyError);
          }
        },
      ),
      RUNS,
    );
  });
});
