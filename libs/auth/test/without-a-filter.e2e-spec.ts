import { AuthModule, Principal, RequireScopes } from '@chain/auth';
import { TestIssuer } from '@chain/testing';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

@Controller()
class WhoAmIController {
  @Get('whoami')
  @RequireScopes('Read')
  whoami(@Principal() principal: Principal): { oid: string } {
    return { oid: principal.oid };
  }
}

/**
 * An adopter that forgets the problem filter (docs/auth.md quick start registers ChainErrorFilter) still
 * answers every refusal with its status: Nest's default filter reads a ChainError's `statusCode`.
 */
describe('AuthModule in an app that registers no exception filter', () => {
  let issuer: TestIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    @Module({
      imports: [
        AuthModule.forRoot({ issuers: [issuer.issuer], jwksUri: issuer.jwksUri, audiences: ['api://a'] }),
      ],
      controllers: [WhoAmIController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const whoami = (token?: string) => {
    const req = request(app.getHttpServer()).get('/whoami');
    return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
  };

  it('answers a missing token with 401 and the check that failed, not 500', async () => {
    const res = await whoami();
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, message: expect.stringMatching(/token/i) as unknown });
  });

  it('answers a wrong audience with 401 and a missing scope with 403', async () => {
    expect((await whoami(issuer.sign({ aud: 'api://other', scp: 'Read' }))).status).toBe(401);
    const forbidden = await whoami(issuer.sign({ aud: 'api://a', oid: 'o-1', scp: 'Write' }));
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(forbidden.body)).toContain('Read');
  });

  it('still lets a valid token through', async () => {
    const res = await whoami(issuer.sign({ aud: 'api://a', oid: 'o-1', scp: 'Read' }));
    expect(res.body).toEqual({ oid: 'o-1' });
  });
});
