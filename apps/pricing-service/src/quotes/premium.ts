/** Decimal places of a rate per mille the calculation keeps exactly. */
const RATE_SCALE = 10_000n;
/** Cents per currency unit. */
const CENTS = 100n;

/**
 * premium = max(minimumPremium, insuredValue × ratePerMille / 1000), rounded half-up to cents.
 * Computed in integer cents with BigInt, so no binary floating-point error reaches a premium.
 *
 * @param insuredValue at most 2 decimals, > 0
 * @param ratePerMille at most 4 decimals, ≥ 0
 * @param minimumPremium at most 2 decimals, ≥ 0
 */
export function calculatePremium(insuredValue: number, ratePerMille: number, minimumPremium: number): number {
  const insuredCents = toScaled(insuredValue, CENTS);
  const rateUnits = toScaled(ratePerMille, RATE_SCALE);
  const divisor = 1_000n * RATE_SCALE;
  const product = insuredCents * rateUnits;
  const rounded = product / divisor + (2n * (product % divisor) >= divisor ? 1n : 0n);
  const minimumCents = toScaled(minimumPremium, CENTS);
  const premiumCents = rounded > minimumCents ? rounded : minimumCents;
  return Number(premiumCents) / Number(CENTS);
}

function toScaled(value: number, scale: bigint): bigint {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`not a non-negative finite amount: ${value}`);
  return BigInt(Math.round(value * Number(scale)));
}
