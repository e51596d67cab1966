/** Lines of business priced (CONTRACTS.md). */
export const LineOfBusiness = {
  Property: 'property',
  Marine: 'marine',
  Casualty: 'casualty',
  Cyber: 'cyber',
} as const;
export type LineOfBusiness = (typeof LineOfBusiness)[keyof typeof LineOfBusiness];
export const LINES_OF_BUSINESS = Object.values(LineOfBusiness);

/** Regions priced (CONTRACTS.md). */
export const Region = { Uk: 'uk', Eu: 'eu', Us: 'us', Apac: 'apac' } as const;
export type Region = (typeof Region)[keyof typeof Region];
export const REGIONS = Object.values(Region);

/** The application role a caller needs (client credentials, registrations.yaml). */
export const PricingAppRole = { ReadAll: 'Pricing.Read.All' } as const;
export type PricingAppRole = (typeof PricingAppRole)[keyof typeof PricingAppRole];

/** One reference rate: premium per 1,000 of insured value, with a floor. */
export interface Rate {
  readonly lineOfBusiness: LineOfBusiness;
  readonly region: Region;
  /** Premium per 1,000 of insured value (at most 4 decimals). */
  readonly ratePerMille: number;
  readonly currency: string;
  /** The smallest premium charged, in `currency`. */
  readonly minimumPremium: number;
}
