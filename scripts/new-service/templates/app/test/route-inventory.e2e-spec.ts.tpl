import { listHttpRoutes } from '@chain/platform';
import request from 'supertest';

import { type ServiceUnderTest, start{{Pascal}} } from './support/{{name}}.harness';

/** The only routes reachable without a token. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready'];
const SOME_ID = '00000000-0000-4000-8000-000000000001';

describe('{{name}} route inventory', () => {
  let sut: ServiceUnderTest;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    sut = await start{{Pascal}}();
    routes = listHttpRoutes(sut.app).map((r) => ({ method: r.method, path: r.path, key: `${r.method} ${r.path}` }));
  });

  afterAll(async () => {
    await sut.close();
  });

  const send = (method: string, path: string, token?: string) => {
    const req = request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](path.replace(/:\w+/g, SOME_ID));
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('knows every route (so that the checks below cover them): add a new route here', () => {
    expect(routes.map((r) => r.key).sort()).toEqual(['GET /items', 'GET /items/:id', 'POST /items', ...PUBLIC_ROUTES].sort());
  });

  it('lets only the health routes through without a token', async () => {
    for (const route of routes) {
      const expected = PUBLIC_ROUTES.includes(route.key) ? 200 : 401;
      expect([route.key, (await send(route.method, route.path)).status]).toEqual([route.key, expected]);
    }
  });

  it('makes every other route declare a requirement: users without the scope, and applications, get 403', async () => {
    const tokens = [sut.userToken('alice', { scp: 'Unrelated.Scope' }), sut.appToken({ roles: ['Unrelated.Role'] }), sut.appToken()];
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.key))) {
      for (const token of tokens) {
        expect([route.key, (await send(route.method, route.path, token)).status]).toEqual([route.key, 403]);
      }
    }
  });
});
