import type { Rate } from '../common/pricing-catalogue';
import { QuotesService } from '../quotes/quotes.service';
import { RateTable, ReferenceRateTable } from './rate-table';
import { RateNotFoundError } from './rates.errors';
import { RatesService } from './rates.service';

/** A table missing most rates, to show what happens when a lookup finds nothing. */
class PartialRateTable extends RateTable {
  async all(): Promise<readonly Rate[]> {
    return [
      { lineOfBusiness: 'marine', region: 'eu', ratePerMille: 2, currency: 'EUR', minimumPremium: 100 },
    ];
  }
}

describe('RatesService', () => {
  const service = new RatesService(new ReferenceRateTable());

  it('holds a rate for every line of business in every region', async () => {
    const rates = await service.list({});
    expect(rates).toHaveLength(16);
    expect(new Set(rates.map((r) => `${r.lineOfBusiness}/${r.region}`)).size).toBe(16);
    expect(
      rates.every((r) => r.ratePerMille > 0 && r.minimumPremium > 0 && /^[A-Z]{3}$/.test(r.currency)),
    ).toBe(true);
  });

  it('filters by line of business and by region', async () => {
    const cyber = await service.list({ lineOfBusiness: 'cyber' });
    expect(cyber.map((r) => r.region).sort()).toEqual(['apac', 'eu', 'uk', 'us']);
    await expect(service.list({ lineOfBusiness: 'property', region: 'uk' })).resolves.toEqual([
      { lineOfBusiness: 'property', region: 'uk', ratePerMille: 1.25, currency: 'GBP', minimumPremium: 2500 },
    ]);
  });

  it('reports a missing rate as not found', async () => {
    const partial = new RatesService(new PartialRateTable());
    await expect(partial.find('cyber', 'us')).rejects.toBeInstanceOf(RateNotFoundError);
  });
});

describe('QuotesService', () => {
  const quotes = new QuotesService(new RatesService(new ReferenceRateTable()));

  it('prices from the rate of the line and region, in its currency', async () => {
    await expect(
      quotes.quote({ lineOfBusiness: 'property', region: 'uk', insuredValue: 25_000_000 }),
    ).resolves.toEqual({
      lineOfBusiness: 'property',
      region: 'uk',
      insuredValue: 25_000_000,
      ratePerMille: 1.25,
      premium: 31_250,
      currency: 'GBP',
    });
  });

  it('applies the minimum premium of the line to small risks', async () => {
    const quote = await quotes.quote({ lineOfBusiness: 'cyber', region: 'eu', insuredValue: 10_000 });
    expect(quote).toMatchObject({ premium: 10_000, currency: 'EUR', ratePerMille: 4.25 });
  });
});
