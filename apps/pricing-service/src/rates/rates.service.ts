import { Injectable } from '@nestjs/common';

import type { LineOfBusiness, Rate, Region } from '../common/pricing-catalogue';
import { RateTable } from './rate-table';
import { RateNotFoundError } from './rates.errors';

/** Filters of a rate lookup; absent means any. */
export interface RateFilter {
  readonly lineOfBusiness?: LineOfBusiness;
  readonly region?: Region;
}

/** Reference rates by line of business and region. */
@Injectable()
export class RatesService {
  constructor(private readonly table: RateTable) {}

  async list(filter: RateFilter): Promise<Rate[]> {
    const rates = await this.table.all();
    return rates.filter(
      (rate) =>
        (filter.lineOfBusiness === undefined || rate.lineOfBusiness === filter.lineOfBusiness) &&
        (filter.region === undefined || rate.region === filter.region),
    );
  }

  async find(lineOfBusiness: LineOfBusiness, region: Region): Promise<Rate> {
    const [rate] = await this.list({ lineOfBusiness, region });
    if (rate === undefined) throw new RateNotFoundError(lineOfBusiness, region);
    return rate;
  }
}
