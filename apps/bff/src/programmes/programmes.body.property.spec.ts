import { gzipSync } from 'node:zlib';

import { jsonBodyBytes, propertyRuns } from '@chain/testing';
import fc from 'fast-check';
import request from 'supertest';

import { type BffTestApp, startBffTestApp } from '../common/bff-test-app.fakes';
import { readAll } from '../common/downstream-test.fakes';
import { DocumentsController } from '../documents/documents.controller';
import { LINES_OF_BUSINESS, REGIONS } from './programme.dto';
import { ProgrammesController } from './programmes.controller';

const RUNS = propertyRuns(150);
/** An answer later than this is a hang. */
const DEADLINE_MS = 5_000;
/** Jest's limit for one property (its runs, shrinking included). */
const TEST_TIMEOUT_MS = 120_000;

const MEMBERS = ['name', 'lineOfBusiness', 'region', 'insuredValue', 'currency'] as const;
const valid: Record<(typeof MEMBERS)[number], fc.Arbitrary<unknown>> = {
  name: fc.string({ minLength: 1, maxLength: 210 }),
  lineOfBusiness: fc.constantFrom(...LINES_OF_BUSINESS, 'Property', 'aviation'),
  region: fc.constantFrom(...REGIONS, 'UK', 'mars'),
  insuredValue: fc.oneof(
    fc.integer({ min: -5, max: 1e14 }).map((c) => c / 100),
    fc.double(),
    fc.constantFrom(1e-7, -4e-323, 1e21, 0.1 + 0.2),
  ),
  currency: fc.constantFrom('GBP', 'EUR', 'USD', 'gbp', 'XXX', 'ZZZ', 'GBPX'),
};
/** Any body: mostly JSON-ish, sometimes nested thousands deep, binary, or larger than the size limit. */
const bodyBytes = jsonBodyBytes(fc, {
  valid,
  oddNames: ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'],
  maxMembers: 8,
  longMember: 'name',
  extra: [fc.string({ unit: 'binary', maxLength: 300 }).map((t) => Buffer.from(t))],
});
/** Mostly JSON, as clients send it; sometimes anything else. */
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=nonsense',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    undefined,
  ),
);
const contentEncoding = fc.constantFrom(
  undefined,
  undefined,
  undefined,
  undefined,
  'identity',
  'gzip',
  'deflate',
  'br',
  'x-unknown',
);
const idempotencyKey = fc.option(
  fc.oneof(
    fc.uuid().map((u) => `"${u}"`),
    fc.string({ maxLength: 20 }),
  ),
  {
    nil: undefined,
  },
);

interface Sent {
  readonly method: 'post' | 'patch';
  readonly path: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly encoding: string | undefined;
  readonly compress: boolean;
  readonly key: string | undefined;
}

describe('BFF write routes: any body → 2xx or a 4xx problem, never a 5xx or a hang (property-based)', () => {
  let bff: BffTestApp;

  beforeAll(async () => {
    bff = await startBffTestApp([ProgrammesController, DocumentsController]);
    bff.downstreams.answer(async (call) => {
      if (call.body !== undefined && typeof (call.body as { pipe?: unknown }).pipe === 'function')
        await readAll(call.body as never);
      return { status: call.method === 'POST' ? 201 : 200, data: { id: 'prog-1', ...(call.body as object) } };
    });
  });
  afterAll(() => bff.close());

  const send = (s: Sent) => {
    const req = request(bff.app.getHttpServer())[s.method](s.path).timeout({ deadline: DEADLINE_MS });
    if (s.contentType !== undefined) req.set('content-type', s.contentType);
    if (s.encoding !== undefined) req.set('content-encoding', s.encoding);
    if (s.key !== undefined) req.set('idempotency-key', s.key);
    return req.serialize((data: unknown) => data as string).send(s.compress ? gzipSync(s.body) : s.body);
  };

  const sent = (routes: fc.Arbitrary<{ method: 'post' | 'patch'; path: string }>): fc.Arbitrary<Sent> =>
    fc
      .record({
        route: routes,
        body: bodyBytes,
        contentType,
        encoding: contentEncoding,
        compress: fc.boolean(),
        key: idempotencyKey,
      })
      .map(({ route, ...rest }) => ({
        ...route,
        ...rest,
        compress: rest.compress && rest.encoding === 'gzip',
      }));

  const assertProblemOrSuccess = async (s: Sent): Promise<void> => {
    const res = await send(s);
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: res.status, code: expect.any(String) });
    }
  };

  it(
    'POST /api/programmes and PATCH /api/programmes/:id',
    async () => {
      const routes = fc.constantFrom(
        { method: 'post' as const, path: '/api/programmes' },
        { method: 'patch' as const, path: '/api/programmes/prog-1' },
        { method: 'post' as const, path: '/api/programmes/prog-1/submit' },
      );
      await fc.assert(fc.asyncProperty(sent(routes), assertProblemOrSuccess), RUNS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'only ever sends program-service a validated body: known members with valid values',
    async () => {
      bff.downstreams.calls.length = 0;
      const routes = fc.constantFrom(
        { method: 'post' as const, path: '/api/programmes' },
        { method: 'patch' as const, path: '/api/programmes/prog-1' },
      );
      await fc.assert(fc.asyncProperty(sent(routes), assertProblemOrSuccess), { ...RUNS, numRuns: 100 });
      for (const call of bff.downstreams.calls.filter(
        (c) => c.path === '/programmes' || c.method === 'PATCH',
      )) {
        const body = call.body as Record<string, unknown>;
        expect(Object.keys(body).every((k) => (MEMBERS as readonly string[]).includes(k))).toBe(true);
        expect(Object.values(body)).not.toContain(null);
        if ('lineOfBusiness' in body) expect(LINES_OF_BUSINESS).toContain(body['lineOfBusiness']);
        if ('insuredValue' in body) expect(body['insuredValue']).toBeGreaterThan(0);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses null members and exponent-form amounts with 400 before any call (found by the properties here)', async () => {
    bff.downstreams.calls.length = 0;
    const patch = (body: string) =>
      request(bff.app.getHttpServer())
        .patch('/api/programmes/prog-1')
        .set('content-type', 'application/json')
        .send(body);
    for (const body of [
      '{"insuredValue":null}',
      '{"name":null}',
      '{"insuredValue":1e-7}',
      '{"insuredValue":-4e-323}',
    ]) {
      const res = await patch(body);
      expect([body, res.status, res.body.code]).toEqual([body, 400, 'validation_failed']);
    }
    expect(bff.downstreams.calls).toEqual([]);
  });

  it(
    'POST /api/programmes/:id/documents (streamed upload)',
    async () => {
      const routes = fc.constant({ method: 'post' as const, path: '/api/programmes/prog-1/documents' });
      const multipart = fc.constantFrom(
        'multipart/form-data; boundary=x',
        'multipart/form-data;boundary="a b"',
      );
      const upload = fc
        .tuple(sent(routes), fc.option(multipart, { nil: undefined }))
        .map(([s, type]) => ({ ...s, contentType: type ?? s.contentType }));
      await fc.assert(fc.asyncProperty(upload, assertProblemOrSuccess), { ...RUNS, numRuns: 80 });
    },
    TEST_TIMEOUT_MS,
  );
});
