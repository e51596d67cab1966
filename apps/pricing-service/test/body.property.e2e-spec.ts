import { gzipSync } from 'node:zlib';

import { jsonBodyBytes, propertyRuns } from '@chain/testing';
import fc from 'fast-check';
import request from 'supertest';

import { LINES_OF_BUSINESS, REGIONS } from '../src/common/pricing-catalogue';
import { type PricingServiceUnderTest, startPricingService } from './support/pricing-service.harness';

const RUNS = propertyRuns(150);
/** An answer later than this is a hang. */
const DEADLINE_MS = 5_000;
const TEST_TIMEOUT_MS = 180_000;

const valid: Record<string, fc.Arbitrary<unknown>> = {
  lineOfBusiness: fc.constantFrom(...LINES_OF_BUSINESS, 'aviation'),
  region: fc.constantFrom(...REGIONS, 'mars'),
  insuredValue: fc.oneof(
    fc.integer({ min: -5, max: 1e14 }).map((c) => c / 100),
    fc.double(),
    fc.constantFrom(1e-7, -4e-323, 1e21, 0.1 + 0.2),
  ),
};
/** Any body: mostly JSON-ish, sometimes nested thousands deep, binary, or larger than the size limit. */
const bodyBytes = jsonBodyBytes(fc, {
  valid,
  oddNames: ['__proto__', 'constructor', 'prototype', 'toString', 'premium'],
  maxMembers: 6,
  longMember: 'region',
});
/** Mostly JSON, as clients send it; sometimes anything else. */
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', undefined),
);
const encoding = fc.constantFrom(undefined, undefined, undefined, undefined, 'gzip', 'br', 'x-unknown');

/** pricing-service's write route on the real AppModule (test issuer), as the BFF with its app token. */
describe('pricing-service POST /quotes: any body → 200 or a 4xx problem, never a 5xx or a hang (property-based)', () => {
  let sut: PricingServiceUnderTest;

  beforeAll(async () => {
    sut = await startPricingService();
  });
  afterAll(() => sut.close());

  it(
    'POST /quotes',
    async () => {
      const token = sut.appToken();
      const sent = fc.record({ body: bodyBytes, contentType, encoding, compress: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(sent, async (s) => {
          const req = request(sut.app.getHttpServer())
            .post('/quotes')
            .timeout({ deadline: DEADLINE_MS })
            .set('authorization', `Bearer ${token}`);
          if (s.contentType !== undefined) req.set('content-type', s.contentType);
          if (s.encoding !== undefined) req.set('content-encoding', s.encoding);
          const body = s.compress && s.encoding === 'gzip' ? gzipSync(s.body) : s.body;
          const res = await req.serialize((data: unknown) => data as string).send(body);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            expect(res.body).toMatchObject({ status: res.status, code: expect.any(String) });
          } else {
            expect(res.body).toMatchObject({ premium: expect.any(Number) });
          }
        }),
        RUNS,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses numbers in exponent form with 400 instead of failing on them', async () => {
    for (const insuredValue of ['1e-7', '-4e-323']) {
      const res = await request(sut.app.getHttpServer())
        .post('/quotes')
        .set({ authorization: `Bearer ${sut.appToken()}`, 'content-type': 'application/json' })
        .send(`{"lineOfBusiness":"cyber","region":"eu","insuredValue":${insuredValue}}`);
      expect([insuredValue, res.status, res.body.code]).toEqual([insuredValue, 400, 'validation_failed']);
    }
  });
});
