import request from 'supertest';

import { type ProgramServiceUnderTest, startProgramService } from './support/program-service.harness';

const TERMS = {
  name: 'Northwind idempotent fleet',
  lineOfBusiness: 'marine',
  region: 'uk',
  insuredValue: 7_500_000.5,
  currency: 'GBP',
};

/** `POST /programmes` with an `Idempotency-Key` (the BFF carries the SPA's key here), on the real SQL repository. */
describe('program-service create with Idempotency-Key (real AppModule, PGlite)', () => {
  let sut: ProgramServiceUnderTest;
  const create = (token: string, key: string | undefined, body: object = TERMS) => {
    const req = request(sut.app.getHttpServer()).post('/programmes').set('authorization', `Bearer ${token}`);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const named = async (token: string, name: string) => {
    const res = await request(sut.app.getHttpServer())
      .get('/programmes')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    return (res.body.programmes as { id: string; name: string }[]).filter((p) => p.name === name);
  };

  beforeAll(async () => {
    sut = await startProgramService();
  });
  afterAll(() => sut.close());

  it('makes one programme for a create retried with the same key and terms, answering the same programme each time', async () => {
    const alice = sut.userToken('alice');
    const first = await create(alice, '"retry-1"').expect(201);
    const again = await create(alice, '"retry-1"').expect(201);
    const concurrent = await Promise.all([create(alice, 'retry-1'), create(alice, '"retry-1"')]);
    expect(again.body).toEqual(first.body);
    expect(concurrent.map((r) => [r.status, r.body.id])).toEqual([
      [201, first.body.id],
      [201, first.body.id],
    ]);
    expect(await named(alice, TERMS.name)).toHaveLength(1);
  });

  it('answers 422 to the same key with other terms, and makes nothing', async () => {
    const alice = sut.userToken('alice');
    await create(alice, '"retry-2"', { ...TERMS, name: 'Second' }).expect(201);
    const res = await create(alice, '"retry-2"', { ...TERMS, name: 'Third' }).expect(422);
    expect(res.body).toMatchObject({ code: 'conflict', reason: 'idempotency_key_reused' });
    expect(await named(alice, 'Third')).toEqual([]);
  });

  it("gives another user's identical key and terms a programme of their own", async () => {
    const alice = sut.userToken('alice');
    const bob = sut.userToken('bob');
    const mine = await create(alice, '"retry-3"', { ...TERMS, name: 'Shared key' }).expect(201);
    const theirs = await create(bob, '"retry-3"', { ...TERMS, name: 'Shared key' }).expect(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.brokerage).not.toBe(mine.body.brokerage);
  });

  it('creates a new programme for each request without a key, and refuses a malformed key with 400', async () => {
    const alice = sut.userToken('alice');
    const body = { ...TERMS, name: 'No key' };
    await create(alice, undefined, body).expect(201);
    await create(alice, undefined, body).expect(201);
    expect(await named(alice, 'No key')).toHaveLength(2);
    const res = await create(alice, 'has space', body).expect(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
