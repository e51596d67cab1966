import { calculatePremium } from './premium';

describe('calculatePremium', () => {
  it('charges insured value times rate per mille over a thousand', () => {
    expect(calculatePremium(25_000_000, 1.25, 2_500)).toBe(31_250);
    expect(calculatePremium(1_234_567.89, 4.75, 0)).toBe(5_864.2);
  });

  it('charges the minimum premium when the rated premium is below it', () => {
    expect(calculatePremium(100_000, 1.25, 2_500)).toBe(2_500);
    expect(calculatePremium(2_000_000, 1.25, 2_500)).toBe(2_500);
    expect(calculatePremium(2_000_001, 1.25, 2_500)).toBe(2_500);
    expect(calculatePremium(2_000_800, 1.25, 2_500)).toBe(2_501);
  });

  it('rounds half up to the cent without floating-point drift', () => {
    // 10.01 × 0.5 / 1000 = 0.005005 (just over half a cent) and 3 × 5 / 1000 = 0.015 (exactly half).
    expect(calculatePremium(10.01, 0.5, 0)).toBe(0.01);
    expect(calculatePremium(9.99, 0.5, 0)).toBe(0);
    expect(calculatePremium(3, 5, 0)).toBe(0.02);
    expect(calculatePremium(1_000_000_000_000, 6, 0)).toBe(6_000_000_000);
    expect(calculatePremium(999_999_999_999.99, 6, 0)).toBe(6_000_000_000);
  });

  it('refuses negative or non-finite amounts', () => {
    expect(() => calculatePremium(-1, 1, 0)).toThrow(RangeError);
    expect(() => calculatePremium(Number.NaN, 1, 0)).toThrow(RangeError);
  });
});
