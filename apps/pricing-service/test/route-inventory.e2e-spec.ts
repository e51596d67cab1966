import { listHttpRoutes } from '@chain/platform';
import request from 'supertest';

import { type PricingServiceUnderTest, startPricingService } from './support/pricing-service.harness';

/** The only routes reachable without a token. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready'];

describe('pricing-service route inventory', () => {
  let sut: PricingServiceUnderTest;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    sut = await startPricingService();
    routes = listHttpRoutes(sut.app).map((r) => ({
      method: r.method,
      path: r.path,
      key: `${r.method} ${r.path}`,
    }));
  });

  afterAll(async () => {
    await sut.close();
  });

  const send = (method: string, path: string, token?: string) => {
    const req = request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](path);
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('knows every pricing route (so that the checks below cover them)', () => {
    expect(routes.map((r) => r.key).sort()).toEqual(['GET /rates', 'POST /quotes', ...PUBLIC_ROUTES].sort());
  });

  it('lets only the health routes through without a token', async () => {
    for (const route of routes) {
      const expected = PUBLIC_ROUTES.includes(route.key) ? 200 : 401;
      expect([route.key, (await send(route.method, route.path)).status]).toEqual([route.key, expected]);
    }
  });

  it('makes every other route declare a requirement: valid tokens without the role, or from users, get 403', async () => {
    const tokens = [
      sut.appToken(undefined, { roles: ['Unrelated.Role'] }),
      sut.userToken({ roles: [], scp: 'Unrelated.Scope' }),
    ];
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.key))) {
      for (const token of tokens) {
        expect([route.key, (await send(route.method, route.path, token)).status]).toEqual([route.key, 403]);
      }
    }
  });
});
