import request from 'supertest';

import {
  documentsClientId,
  type PricingServiceUnderTest,
  startPricingService,
} from './support/pricing-service.harness';

const QUOTE = { lineOfBusiness: 'property', region: 'uk', insuredValue: 25_000_000 };

describe('pricing-service (real AppModule, test issuer)', () => {
  let sut: PricingServiceUnderTest;
  const http = () => request(sut.app.getHttpServer());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await startPricingService();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers 401 without a token', async () => {
    const res = await http().get('/rates').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 403 app_token_required to a user token, even one carrying the role', async () => {
    for (const req of [http().get('/rates'), http().post('/quotes').send(QUOTE)]) {
      const res = await req.set(as(sut.userToken())).expect(403);
      expect(res.body.code).toBe('app_token_required');
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    }
  });

  it('answers 403 caller_not_allowed to an application that is not on the list', async () => {
    const res = await http()
      .get('/rates')
      .set(as(sut.appToken(documentsClientId)))
      .expect(403);
    expect(res.body.code).toBe('caller_not_allowed');
  });

  it('answers 403 to an allowed caller without the Pricing.Read.All role', async () => {
    const res = await http()
      .get('/rates')
      .set(as(sut.appToken(undefined, { roles: ['Other.Role'] })))
      .expect(403);
    expect(res.body.code).toBe('app_role_missing');
  });

  it('lists the reference rates, filtered by line of business and region', async () => {
    const all = await http().get('/rates').set(as(sut.appToken())).expect(200);
    expect(all.body.rates).toHaveLength(16);
    const one = await http().get('/rates?lineOfBusiness=cyber&region=us').set(as(sut.appToken())).expect(200);
    expect(one.body).toEqual({
      rates: [
        { lineOfBusiness: 'cyber', region: 'us', ratePerMille: 6, currency: 'USD', minimumPremium: 10_000 },
      ],
    });
  });

  it('quotes a premium from the reference rate, with the minimum premium as a floor', async () => {
    await http()
      .post('/quotes')
      .set(as(sut.appToken()))
      .send(QUOTE)
      .expect(200, {
        ...QUOTE,
        ratePerMille: 1.25,
        premium: 31_250,
        currency: 'GBP',
      });
    const small = await http()
      .post('/quotes')
      .set(as(sut.appToken()))
      .send({ ...QUOTE, insuredValue: 1_000 })
      .expect(200);
    expect(small.body.premium).toBe(2_500);
  });

  it('refuses bad quote input with 400 validation_failed', async () => {
    for (const body of [
      { ...QUOTE, insuredValue: 0 },
      { ...QUOTE, insuredValue: -1 },
      { ...QUOTE, insuredValue: '25000000' },
      { ...QUOTE, insuredValue: 10.001 },
      { ...QUOTE, region: 'mars' },
      { ...QUOTE, extra: 1 },
      { lineOfBusiness: 'property' },
    ]) {
      const res = await http().post('/quotes').set(as(sut.appToken())).send(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    await http().get('/rates?region=mars').set(as(sut.appToken())).expect(400);
  });

  it('answers liveness, readiness and OpenAPI without a token', async () => {
    await http().get('/health/live').expect(200);
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ jwks: { status: 'up' } });
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/rates', '/quotes']));
  });
});
