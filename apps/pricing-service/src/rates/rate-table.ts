import { Injectable } from '@nestjs/common';

import {
  type LineOfBusiness,
  LINES_OF_BUSINESS,
  type Rate,
  type Region,
  REGIONS,
} from '../common/pricing-catalogue';

/** Port: where reference rates come from (a fixed table here; a rating engine in real life). */
export abstract class RateTable {
  abstract all(): Promise<readonly Rate[]>;
}

/** Rate per mille by line and region: a demo table, not actuarial advice. */
const RATE_PER_MILLE: Readonly<Record<LineOfBusiness, Readonly<Record<Region, number>>>> = {
  property: { uk: 1.25, eu: 1.1, us: 1.6, apac: 1.45 },
  marine: { uk: 2.1, eu: 1.95, us: 2.4, apac: 2.75 },
  casualty: { uk: 3.2, eu: 2.9, us: 4.5, apac: 3.1 },
  cyber: { uk: 4.75, eu: 4.25, us: 6, apac: 5.25 },
};

const MINIMUM_PREMIUM: Readonly<Record<LineOfBusiness, number>> = {
  property: 2_500,
  marine: 5_000,
  casualty: 7_500,
  cyber: 10_000,
};

const CURRENCY: Readonly<Record<Region, string>> = { uk: 'GBP', eu: 'EUR', us: 'USD', apac: 'USD' };

/** The reference table: every line of business in every region. */
@Injectable()
export class ReferenceRateTable extends RateTable {
  private readonly rates: readonly Rate[] = LINES_OF_BUSINESS.flatMap((lineOfBusiness) =>
    REGIONS.map((region) => ({
      lineOfBusiness,
      region,
      ratePerMille: RATE_PER_MILLE[lineOfBusiness][region],
      currency: CURRENCY[region],
      minimumPremium: MINIMUM_PREMIUM[lineOfBusiness],
    })),
  );

  async all(): Promise<readonly Rate[]> {
    return this.rates;
  }
}
