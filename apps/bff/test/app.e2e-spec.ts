import { JWT_PATTERN } from '@chain/testing';
import request from 'supertest';

import { aliceOid, type BffUnderTest, startBff } from './support/bff-issuer.harness';

const SPA = 'http://localhost:8080';

describe('bff (real AppModule, test issuer)', () => {
  let sut: BffUnderTest;
  const http = () => request(sut.app.getHttpServer());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await startBff();
  });

  afterAll(() => sut.close());

  it('answers 401 without a token, with a bare Bearer challenge and a problem body', async () => {
    const res = await http().get('/api/programmes').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['www-authenticate']).not.toContain('error=');
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'token_missing' });
  });

  it('answers 401 invalid_token to a token for another audience', async () => {
    const res = await http()
      .get('/api/me')
      .set(as(sut.userToken({ aud: 'api://program-service' })))
      .expect(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.body.code).toBe('token_audience_invalid');
  });

  it('answers 403 insufficient_scope to a user token without access_as_user', async () => {
    const res = await http()
      .get('/api/programmes')
      .set(as(sut.userToken({ scp: 'Other.Scope' })))
      .expect(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.body.code).toBe('scope_missing');
  });

  it('answers 403 user_token_required to an app-only token, even one that carries the scope', async () => {
    for (const token of [sut.appToken(), sut.appToken({ scp: 'access_as_user' })]) {
      const res = await http().get('/api/me').set(as(token)).expect(403);
      expect(res.body.code).toBe('user_token_required');
    }
  });

  it('tells the user who they are, without echoing their token', async () => {
    const token = sut.userToken({ amr: ['pwd', 'mfa'], acrs: ['c1'], roles: ['Underwriter'] });
    const res = await http().get('/api/me').set(as(token)).expect(200);
    expect(res.body).toEqual({
      oid: aliceOid,
      tid: expect.any(String),
      name: 'Alice',
      scopes: ['access_as_user'],
      roles: ['Underwriter'],
      authMethods: ['pwd', 'mfa'],
      authContexts: ['c1'],
      expiresAt: expect.any(Number),
    });
    expect(res.text).not.toMatch(JWT_PATTERN);
  });

  it("marks every /api answer no-store: one user's data is never cached or revalidated", async () => {
    const res = await http().get('/api/me').set(as(sut.userToken())).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await http().get('/api/programmes').expect(401)).headers['cache-control']).toBe('no-store');
  });

  it('returns and accepts the correlation id', async () => {
    const res = await http()
      .get('/api/me')
      .set(as(sut.userToken()))
      .set('x-correlation-id', 'spa-req-42')
      .expect(200);
    expect(res.headers['x-correlation-id']).toBe('spa-req-42');
  });

  it('answers 503 token_service_unavailable with Retry-After when the token service cannot be reached', async () => {
    // This BFF's authority (login.test) does not exist: the on-behalf-of exchange cannot happen.
    const res = await http().get('/api/programmes').set(as(sut.userToken()));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('token_service_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lets the SPA origin read the correlation id and WWW-Authenticate, and answers its preflight', async () => {
    const res = await http().get('/api/me').set('origin', SPA).expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(SPA);
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    expect(exposed).toContain('x-correlation-id');
    expect(exposed).toContain('www-authenticate');
    const preflight = await http()
      .options('/api/programmes/abc')
      .set('origin', SPA)
      .set('access-control-request-method', 'PATCH')
      .set('access-control-request-headers', 'authorization,content-type')
      .expect(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
    const stranger = await http().get('/api/me').set('origin', 'https://evil.example').expect(401);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('has no /api/chain unless CHAIN_TRACE=true', async () => {
    const res = await http().get('/api/chain').set(as(sut.userToken())).expect(404);
    expect(res.body.code).toBe('not_found');
  });

  it('answers liveness, readiness and OpenAPI without a token', async () => {
    await http().get('/health/live').expect(200);
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ jwks: { status: 'up' }, tokenCache: { status: 'up' } });
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/me',
        '/api/programmes',
        '/api/programmes/{id}',
        '/api/programmes/{id}/quote',
        '/api/programmes/{id}/documents',
        '/api/programmes/{id}/documents/{docId}',
        '/api/relay/{name}/{path}',
      ]),
    );
  });
});

describe('bff with CHAIN_TRACE=true (test issuer)', () => {
  let sut: BffUnderTest;

  beforeAll(async () => {
    sut = await startBff({ CHAIN_TRACE: 'true' });
  });

  afterAll(() => sut.close());

  it("records the caller's requests, failures included, and shows them only to that caller", async () => {
    const http = () => request(sut.app.getHttpServer());
    const alice = { authorization: `Bearer ${sut.userToken()}` };
    await http().get('/api/me').set(alice).set('x-correlation-id', 'trace-me-1').expect(200);
    await http().get('/api/programmes').set(alice).set('x-correlation-id', 'trace-me-2').expect(503);
    const res = await http().get('/api/chain').set(alice).expect(200);
    expect(
      res.body.traces.map((t: { correlationId: string; status: number }) => [t.correlationId, t.status]),
    ).toEqual([
      ['trace-me-2', 503],
      ['trace-me-1', 200],
    ]);
    const other = { authorization: `Bearer ${sut.userToken({ oid: 'someone-else' })}` };
    expect((await http().get('/api/chain').set(other).expect(200)).body).toEqual({ traces: [] });
    await http().get('/api/chain').expect(401);
  });
});
