import request from 'supertest';

import { type ServiceUnderTest, start{{Pascal}} } from './support/{{name}}.harness';

describe('{{name}} (real AppModule, test issuer)', () => {
  let sut: ServiceUnderTest;
  const http = () => request(sut.app.getHttpServer());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await start{{Pascal}}();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers 401 without a token', async () => {
    const res = await http().get('/items').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses application tokens (403 user_token_required) and users without the scope (403 scope_missing)', async () => {
    const app = await http().get('/items').set(as(sut.appToken())).expect(403);
    expect(app.body.code).toBe('user_token_required');
    const scope = await http()
      .get('/items')
      .set(as(sut.userToken('alice', { scp: 'Other.Scope' })))
      .expect(403);
    expect(scope.body.code).toBe('scope_missing');
  });

  it("creates an item for the caller (201) and lists and reads it back for that caller only", async () => {
    const created = await http().post('/items').set(as(sut.userToken('alice'))).send({ title: 'first' }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), title: 'first', createdAt: expect.any(String) });
    const id = created.body.id as string;

    const mine = await http().get('/items').set(as(sut.userToken('alice'))).expect(200);
    expect(mine.body.items).toEqual([created.body]);
    await http().get(`/items/${id}`).set(as(sut.userToken('alice'))).expect(200, created.body);

    const theirs = await http().get('/items').set(as(sut.userToken('bob'))).expect(200);
    expect(theirs.body.items).toEqual([]);
    const hidden = await http().get(`/items/${id}`).set(as(sut.userToken('bob'))).expect(404);
    expect(hidden.body.code).toBe('not_found');
  });

  it('refuses bad items with 400 validation_failed', async () => {
    for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 7 }, { title: 'ok', owner: 'bob' }]) {
      const res = await http().post('/items').set(as(sut.userToken('alice'))).send(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('answers liveness, readiness and OpenAPI without a token', async () => {
    await http().get('/health/live').expect(200);
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ jwks: { status: 'up' } });
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/items', '/items/{id}']));
  });
});
