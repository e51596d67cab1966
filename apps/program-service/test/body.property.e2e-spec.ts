import { gzipSync } from 'node:zlib';

import { jsonBodyBytes, propertyRuns } from '@chain/testing';
import fc from 'fast-check';
import request from 'supertest';

import { LINES_OF_BUSINESS, REGIONS } from '../src/programmes/programme.model';
import { type ProgramServiceUnderTest, startProgramService } from './support/program-service.harness';

const RUNS = propertyRuns(120);
/** An answer later than this is a hang. */
const DEADLINE_MS = 5_000;
const TEST_TIMEOUT_MS = 180_000;

const valid: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.string({ minLength: 1, maxLength: 210 }),
  lineOfBusiness: fc.constantFrom(...LINES_OF_BUSINESS, 'aviation'),
  region: fc.constantFrom(...REGIONS, 'mars'),
  insuredValue: fc.oneof(
    fc.integer({ min: -5, max: 1e14 }).map((c) => c / 100),
    fc.double(),
    fc.constantFrom(1e-7, -4e-323, 1e21, 0.1 + 0.2),
  ),
  currency: fc.constantFrom('GBP', 'EUR', 'gbp', 'XXX', 'GBPX'),
};
/** Any body: mostly JSON-ish, sometimes nested thousands deep, binary, or larger than the size limit. */
const bodyBytes = jsonBodyBytes(fc, {
  valid,
  oddNames: ['__proto__', 'constructor', 'prototype', 'toString', 'status', 'ownerOid', 'brokerage'],
  maxMembers: 8,
  longMember: 'name',
});
/** Mostly JSON, as clients send it; sometimes anything else. */
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  ),
);
const encoding = fc.constantFrom(undefined, undefined, undefined, undefined, 'gzip', 'br', 'x-unknown');

/** program-service's write routes on the real AppModule (PGlite, test issuer), as alice (a Northwind broker). */
describe('program-service write routes: any body → 2xx or a 4xx problem, never a 5xx or a hang (property-based)', () => {
  let sut: ProgramServiceUnderTest;
  let draftId: string;

  beforeAll(async () => {
    sut = await startProgramService();
    const created = await request(sut.app.getHttpServer())
      .post('/programmes')
      .set('authorization', `Bearer ${sut.userToken('alice')}`)
      .send({
        name: 'Fuzzed draft',
        lineOfBusiness: 'cyber',
        region: 'eu',
        insuredValue: 1e6,
        currency: 'EUR',
      })
      .expect(201);
    draftId = created.body.id as string;
  });
  afterAll(() => sut.close());

  it(
    'POST /programmes and PATCH /programmes/:id',
    async () => {
      const token = sut.userToken('alice');
      const route = fc.constantFrom(
        { method: 'post' as const, path: () => '/programmes' },
        { method: 'patch' as const, path: () => `/programmes/${draftId}` },
        { method: 'patch' as const, path: () => '/programmes/not-a-uuid' },
      );
      const sent = fc.record({ route, body: bodyBytes, contentType, encoding, compress: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(sent, async (s) => {
          const req = request(sut.app.getHttpServer())
            [s.route.method](s.route.path())
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
            expect(res.body).toMatchObject({
              id: expect.any(String),
              status: 'draft',
              brokerage: 'Northwind',
            });
          }
        }),
        RUNS,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses null members in a PATCH with 400 instead of writing them (found by the property above)', async () => {
    for (const body of [{ insuredValue: null }, { name: null }, { name: 'x', currency: null }]) {
      const res = await request(sut.app.getHttpServer())
        .patch(`/programmes/${draftId}`)
        .set('authorization', `Bearer ${sut.userToken('alice')}`)
        .send(body);
      expect([body, res.status, res.body.code]).toEqual([body, 400, 'validation_failed']);
    }
  });

  it('refuses numbers in exponent form with 400 instead of failing on them (found by the property above)', async () => {
    for (const insuredValue of ['1e-7', '-4e-323', '5e-324']) {
      const res = await request(sut.app.getHttpServer())
        .post('/programmes')
        .set({ authorization: `Bearer ${sut.userToken('alice')}`, 'content-type': 'application/json' })
        .send(
          `{"name":"n","lineOfBusiness":"cyber","region":"eu","currency":"EUR","insuredValue":${insuredValue}}`,
        );
      expect([insuredValue, res.status, res.body.code]).toEqual([insuredValue, 400, 'validation_failed']);
    }
  });
});
