import { Injectable } from '@nestjs/common';

import type { LineOfBusiness, Region } from '../common/pricing-catalogue';
import { RatesService } from '../rates/rates.service';
import { calculatePremium } from './premium';

export interface QuoteRequest {
  readonly lineOfBusiness: LineOfBusiness;
  readonly region: Region;
  readonly insuredValue: number;
}

export interface Quote extends QuoteRequest {
  readonly ratePerMille: number;
  readonly premium: number;
  readonly currency: string;
}

/** Prices a risk from the reference rate of its line and region. */
@Injectable()
export class QuotesService {
  constructor(private readonly rates: RatesService) {}

  async quote(request: QuoteRequest): Promise<Quote> {
    const rate = await this.rates.find(request.lineOfBusiness, request.region);
    return {
      lineOfBusiness: request.lineOfBusiness,
      region: request.region,
      insuredValue: request.insuredValue,
      ratePerMille: rate.ratePerMille,
      premium: calculatePremium(request.insuredValue, rate.ratePerMille, rate.minimumPremium),
      currency: rate.currency,
    };
  }
}
