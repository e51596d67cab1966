import { AuthModule, Principal, RequireScopes } from '@chain/auth';
import { TestIssuer } from '@chain/testing';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { useAdopterPlumbing } from './support/adopter-plumbing';

@Controller()
class WhoAmIController {
  @Get('whoami')
  @RequireScopes('Read')
  whoami(@Principal() principal: Principal): { oid: string } {
    return { oid: principal.oid };
  }
}

async function appFor(issuer: TestIssuer, audience: string): Promise<INestApplication> {
  @Module({
    imports: [
      AuthModule.forRoot({ issuers: [issuer.issuer], jwksUri: issuer.jwksUri, audiences: [audience] }),
    ],
    controllers: [WhoAmIController],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = useAdopterPlumbing(moduleRef.createNestApplication({ logger: false }));
  await app.init();
  return app;
}

/** Two APIs in one process (tests, a host of several APIs) must not share one passport strategy. */
describe('AuthModule in two apps of one process', () => {
  let issuer: TestIssuer;
  let first: INestApplication;
  let second: INestApplication;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    first = await appFor(issuer, 'api://first');
    second = await appFor(issuer, 'api://second');
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await issuer?.stop();
  });

  const call = (app: INestApplication, aud: string) =>
    request(app.getHttpServer())
      .get('/whoami')
      .set('authorization', `Bearer ${issuer.sign({ aud, oid: `oid-${aud}`, scp: 'Read' })}`);

  it('lets each app accept its own audience and refuse the other one', async () => {
    expect((await call(first, 'api://first')).body).toEqual({ oid: 'oid-api://first' });
    expect((await call(second, 'api://second')).body).toEqual({ oid: 'oid-api://second' });
    const crossed = await call(first, 'api://second');
    expect(crossed.status).toBe(401);
    expect(crossed.body).toMatchObject({ code: 'token_audience_invalid' });
    expect((await call(second, 'api://first')).body).toMatchObject({ code: 'token_audience_invalid' });
  });
});
