import { listHttpRoutes } from '@chain/platform';
import request from 'supertest';

import { type BffUnderTest, startBff } from './support/bff-issuer.harness';

/** The only routes reachable without a token. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready'];
/** Every route of CONTRACTS.md "bff" (with CHAIN_TRACE=true). */
const CONTRACT_ROUTES = [
  'GET /api/me',
  'GET /api/programmes',
  'POST /api/programmes',
  'GET /api/programmes/:id',
  'PATCH /api/programmes/:id',
  'POST /api/programmes/:id/submit',
  'POST /api/programmes/:id/approve',
  'GET /api/programmes/:id/quote',
  'GET /api/programmes/:id/documents',
  'POST /api/programmes/:id/documents',
  'GET /api/programmes/:id/documents/:docId',
  'DELETE /api/programmes/:id/documents/:docId',
  'GET /api/chain',
  // docs/bff-relay.md: downstreams declared RELAY=true, on behalf of the user.
  'GET /api/relay/:name/*path',
  'POST /api/relay/:name/*path',
  'PUT /api/relay/:name/*path',
  'PATCH /api/relay/:name/*path',
  'DELETE /api/relay/:name/*path',
];

describe('bff route inventory', () => {
  let sut: BffUnderTest;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    sut = await startBff({ CHAIN_TRACE: 'true' });
    routes = listHttpRoutes(sut.app).map((r) => ({
      method: r.method,
      path: r.path,
      key: `${r.method} ${r.path}`,
    }));
  });

  afterAll(() => sut.close());

  const send = (method: string, path: string, token?: string) => {
    const concrete = path
      .replace(':id', 'prog-1')
      .replace(':docId', 'doc-1')
      .replace(':name/*path', 'program/programmes');
    const req = request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](concrete);
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('knows exactly the routes of the contract (so that the checks below cover them)', () => {
    expect(routes.map((r) => r.key).sort()).toEqual([...CONTRACT_ROUTES, ...PUBLIC_ROUTES].sort());
  });

  it('lets only the health routes through without a token', async () => {
    for (const route of routes) {
      const expected = PUBLIC_ROUTES.includes(route.key) ? 200 : 401;
      expect([route.key, (await send(route.method, route.path)).status]).toEqual([route.key, expected]);
    }
  });

  it('makes every other route require a user token with access_as_user: others get 403', async () => {
    const tokens = [sut.userToken({ scp: 'Unrelated.Scope' }), sut.appToken({ roles: ['Unrelated.Role'] })];
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.key))) {
      for (const token of tokens) {
        expect([route.key, (await send(route.method, route.path, token)).status]).toEqual([route.key, 403]);
      }
    }
  });
});
