import { listHttpRoutes } from '@chain/platform';
import request from 'supertest';

import { type ProgramServiceUnderTest, startProgramService } from './support/program-service.harness';

/** The only routes reachable without a token. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready'];
const SOME_ID = '00000000-0000-4000-8000-000000000001';

describe('program-service route inventory', () => {
  let sut: ProgramServiceUnderTest;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    sut = await startProgramService({ PROGRAM_SEED: 'none' });
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
    const req = request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](
      path.replace(/:\w+/g, SOME_ID),
    );
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('knows every programme and member route (so that the checks below cover them)', () => {
    expect(routes.map((r) => r.key)).toEqual(
      expect.arrayContaining([
        'GET /programmes',
        'GET /programmes/:id',
        'POST /programmes',
        'PATCH /programmes/:id',
        'POST /programmes/:id/submit',
        'POST /programmes/:id/approve',
        'GET /members/:tid/:oid',
        'PUT /members/:tid/:oid',
        'DELETE /members/:tid/:oid',
        ...PUBLIC_ROUTES,
      ]),
    );
  });

  it('lets only the health routes through without a token', async () => {
    for (const route of routes) {
      const res = await send(route.method, route.path);
      if (PUBLIC_ROUTES.includes(route.key)) expect([route.key, res.status]).toEqual([route.key, 200]);
      else expect([route.key, res.status]).toEqual([route.key, 401]);
    }
  });

  it('makes every other route declare a requirement: valid tokens without the right permission get 403', async () => {
    const unrelatedUser = sut.userToken('alice', { scp: 'Unrelated.Scope' });
    const unrelatedApp = sut.appToken({ roles: ['Unrelated.Role'] });
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.key))) {
      expect([route.key, (await send(route.method, route.path, unrelatedUser)).status]).toEqual([
        route.key,
        403,
      ]);
      expect([route.key, (await send(route.method, route.path, unrelatedApp)).status]).toEqual([
        route.key,
        403,
      ]);
    }
  });
});
