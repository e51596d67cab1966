import { randomUUID } from 'node:crypto';

import { listHttpRoutes } from '@chain/platform';
import request from 'supertest';

import {
  type DocumentsServiceUnderTest,
  startAzurite,
  startDocumentsService,
} from './support/documents-service.harness';

/** The only routes reachable without a token. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready'];

describe('documents-service route inventory', () => {
  let azurite: { blobEndpoint: string; stop(): Promise<void> };
  let sut: DocumentsServiceUnderTest;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    azurite = await startAzurite();
    sut = await startDocumentsService(azurite.blobEndpoint);
    routes = listHttpRoutes(sut.app).map((r) => ({
      method: r.method,
      path: r.path,
      key: `${r.method} ${r.path}`,
    }));
  }, 120_000);

  afterAll(async () => {
    await sut?.close();
    await azurite?.stop();
  });

  const send = (method: string, path: string, token?: string) => {
    const concrete = path.replace(':programmeId', randomUUID()).replace(':id', randomUUID());
    const req = request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](concrete);
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('knows every documents route (so that the checks below cover them)', () => {
    expect(routes.map((r) => r.key).sort()).toEqual(
      [
        'GET /programmes/:programmeId/documents',
        'POST /programmes/:programmeId/documents',
        'GET /programmes/:programmeId/documents/:id',
        'DELETE /programmes/:programmeId/documents/:id',
        ...PUBLIC_ROUTES,
      ].sort(),
    );
  });

  it('lets only the health routes through without a token', async () => {
    for (const route of routes) {
      const expected = PUBLIC_ROUTES.includes(route.key) ? 200 : 401;
      expect([route.key, (await send(route.method, route.path)).status]).toEqual([route.key, expected]);
    }
  });

  it('makes every other route declare a requirement: tokens without the scope, and app tokens, get 403', async () => {
    const tokens = [
      sut.userToken({ scp: 'Unrelated.Scope' }),
      sut.appToken({ roles: ['Documents.ReadWrite'] }),
    ];
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.key))) {
      for (const token of tokens) {
        expect([route.key, (await send(route.method, route.path, token)).status]).toEqual([route.key, 403]);
      }
    }
  });
});
