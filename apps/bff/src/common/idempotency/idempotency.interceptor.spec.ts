import { TokenBrokerError } from '@chain/auth';
import request from 'supertest';

import { ProgrammesController } from '../../programmes/programmes.controller';
import { type BffTestApp, startBffTestApp } from '../bff-test-app.fakes';
import type { FakeCall } from '../downstream-test.fakes';
import { IdempotencyStore } from './idempotency.store';

const TERMS = {
  name: 'Northwind warehouses 2027',
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: 25_000_000,
  currency: 'GBP',
};
const ID = '6f1f6a4e-8a43-4c39-9b0a-0c8f5a1d2e3f';

/** A deferred downstream answer, released by the test. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('Idempotency-Key on the BFF write routes', () => {
  let bff: BffTestApp;
  let created: number;
  const creates = (): FakeCall[] => bff.downstreams.calls.filter((c) => c.method === 'POST');

  beforeAll(async () => {
    // bob's requests come from another user: the header `x-test-user` picks the oid.
    bff = await startBffTestApp([ProgrammesController], {
      oid: (req) => (req.headers['x-test-user'] as string | undefined) ?? 'oid-alice',
    });
  });
  afterAll(() => bff.close());

  beforeEach(() => {
    created = 0;
    bff.downstreams.calls.length = 0;
    bff.downstreams.answer(async (call) => ({
      status: 201,
      data: { id: `${ID.slice(0, -2)}${String(++created).padStart(2, '0')}`, ...(call.body as object) },
    }));
  });

  const create = (key: string | undefined, body: object = TERMS, user?: string) => {
    const req = request(bff.app.getHttpServer()).post('/api/programmes');
    if (key !== undefined) req.set('Idempotency-Key', key);
    if (user !== undefined) req.set('x-test-user', user);
    return req.send(body);
  };

  it('runs a create once for the same key and body, answers the retry with the first answer, and carries the key to program-service', async () => {
    const first = await create('"k-same-1"').expect(201);
    const again = await create('"k-same-1"').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.options.headers).toEqual({ 'idempotency-key': '"k-same-1"' });
  });

  it('treats a bare key as the same key as its quoted form, and member order as the same body', async () => {
    await create('k-bare-1').expect(201);
    const reordered = Object.fromEntries(Object.entries(TERMS).reverse());
    await create('"k-bare-1"', reordered).expect(201);
    expect(creates()).toHaveLength(1);
  });

  it('answers 422 to the same key with another body, without calling program-service again', async () => {
    await create('"k-other-1"').expect(201);
    const res = await create('"k-other-1"', { ...TERMS, name: 'Another' }).expect(422);
    expect(res.body).toMatchObject({ code: 'conflict', reason: 'idempotency_key_reused' });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(creates()).toHaveLength(1);
  });

  it('answers 409 with Retry-After while the first request with the key is still running', async () => {
    const release = gate();
    bff.downstreams.answer(async (call) => {
      await release.wait;
      return { status: 201, data: { id: ID, ...(call.body as object) } };
    });
    const first = create('"k-running-1"').then((r) => r);
    await until(() => creates().length === 1);
    const concurrent = await create('"k-running-1"').expect(409);
    expect(concurrent.body).toMatchObject({ code: 'conflict', reason: 'idempotency_key_in_progress' });
    expect(concurrent.headers['retry-after']).toBe('1');
    release.open();
    expect((await first).status).toBe(201);
    expect(creates()).toHaveLength(1);
  });

  it('releases the key when the write fails, so that the retry runs again (and is then replayed)', async () => {
    bff.downstreams.answer(async () => {
      throw new TokenBrokerError({ code: 'downstream_timeout', status: 504, detail: 'timed out' });
    });
    await create('"k-fail-1"').expect(504);
    bff.downstreams.answer(async (call) => ({ status: 201, data: { id: ID, ...(call.body as object) } }));
    await create('"k-fail-1"').expect(201);
    await create('"k-fail-1"').expect(201);
    expect(creates()).toHaveLength(2);
  });

  it("scopes keys to the user: bob's request with alice's key is his own", async () => {
    await create('"k-shared-1"').expect(201);
    await create('"k-shared-1"', TERMS, 'oid-bob').expect(201);
    expect(creates().map((c) => c.as)).toEqual(['user:oid-alice', 'user:oid-bob']);
  });

  it('distinguishes routes: the same key on another programme is another request (422)', async () => {
    const patch = (id: string) =>
      request(bff.app.getHttpServer())
        .patch(`/api/programmes/${id}`)
        .set('Idempotency-Key', '"k-route-1"')
        .send({ name: 'renamed' });
    bff.downstreams.answer(async () => ({ data: { id: ID, name: 'renamed' } }));
    await patch('prog-1').expect(200);
    await patch('prog-1').expect(200);
    await patch('prog-2').expect(422);
    expect(bff.downstreams.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('refuses a malformed key with 400 before any call', async () => {
    for (const key of ['', '"unterminated', 'two words', `"${'x'.repeat(256)}"`, '"a", "b"']) {
      const res = await create(key);
      expect([key, res.status, res.body.code]).toEqual([key, 400, 'validation_failed']);
    }
    expect(creates()).toEqual([]);
  });

  it('lets the write through, still carrying its key, when the store is unavailable (Redis down)', async () => {
    const store = bff.app.get(IdempotencyStore);
    const begin = jest.spyOn(store, 'begin').mockRejectedValue(new Error('Connection is closed.'));
    try {
      await create('"k-store-down-1"').expect(201);
      await create('"k-store-down-1"').expect(201);
    } finally {
      begin.mockRestore();
    }
    expect(creates().map((c) => c.options.headers)).toEqual([
      { 'idempotency-key': '"k-store-down-1"' },
      { 'idempotency-key': '"k-store-down-1"' },
    ]);
  });

  it('changes nothing for a request without a key', async () => {
    await create(undefined).expect(201);
    await create(undefined).expect(201);
    expect(creates()).toHaveLength(2);
    expect(creates()[0]!.options.headers).toEqual({});
  });

  it('keeps no answer of a request that failed validation (nothing to replay, nothing held)', async () => {
    const store = bff.app.get(IdempotencyStore);
    const before = await store.size();
    await create('"k-invalid-1"', { ...TERMS, insuredValue: -1 }).expect(400);
    expect(await store.size()).toBe(before);
    expect(creates()).toEqual([]);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
