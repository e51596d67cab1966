import { validateSync } from 'class-validator';
import fc from 'fast-check';

import { hasAtMostDecimalPlaces, MaxDecimalPlaces } from './max-decimal-places.decorator';

class Amount {
  @MaxDecimalPlaces(2)
  value!: unknown;
}

const check = (value: unknown): string[] =>
  validateSync(Object.assign(new Amount(), { value })).flatMap((e) => Object.values(e.constraints ?? {}));

describe('MaxDecimalPlaces', () => {
  it('accepts numbers with up to two decimals and refuses more, NaN, infinities and non-numbers', () => {
    for (const ok of [0, 1, 1.5, 25_000_000, 0.01, 1e12, 1e21, -3.25])
      expect([ok, check(ok)]).toEqual([ok, []]);
    for (const bad of [0.001, 1.005, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, '1.5', null]) {
      expect(check(bad)).toEqual(['value must be a number with at most 2 decimal places']);
    }
  });

  it('refuses numbers written in exponent form without throwing (class-validator IsNumber({ maxDecimalPlaces }) throws on them)', () => {
    for (const tiny of [1e-7, -4e-323, Number.MIN_VALUE]) expect(check(tiny)).toHaveLength(1);
  });

  it('counts the decimals of the shortest form of any double, exponent forms included (property-based)', () => {
    /** The decimals JavaScript writes for the number: what a client sent, in its shortest spelling. */
    const decimalsOf = (value: number): number => {
      const [digits = '', exponent] = Math.abs(value).toString().split('e');
      const fraction = digits.split('.')[1]?.length ?? 0;
      return Math.max(0, fraction - Number(exponent ?? 0));
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double(),
          fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 100),
        ),
        (value) => {
          expect(hasAtMostDecimalPlaces(value, 2)).toBe(Number.isFinite(value) && decimalsOf(value) <= 2);
        },
      ),
      { numRuns: 500, ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}) },
    );
  });
});
