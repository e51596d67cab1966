import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { TestIssuer } from '@chain/testing';
import { Controller, Get, type INestApplication, Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { CHAIN_TRACE_HEADER, configureApp, parseEnv, resourceServerEnvSchema, ServiceModule } from '../src';

const CONFIG = 'echo-service';
const schema = resourceServerEnvSchema(3999);
type EchoEnv = ReturnType<typeof schema.parse>;

/** A feature provider that reads the environment ServiceModule provides app-wide. */
@Injectable()
class Greeting {
  constructor(@Inject(CONFIG) private readonly env: EchoEnv) {}
  audience(): string {
    return this.env.AUTH_AUDIENCES[0] ?? '';
  }
}

@UserOnly()
@Controller('echo')
class EchoController {
  constructor(private readonly greeting: Greeting) {}

  @Get()
  @RequireScopes('Echo.Read')
  get(@Principal() user: Principal): { oid: string; audience: string } {
    return { oid: user.oid, audience: this.greeting.audience() };
  }
}

@Module({ controllers: [EchoController], providers: [Greeting] })
class EchoModule {}

describe('ServiceModule (a resource API in one import)', () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const token = (claims: Record<string, unknown>) =>
    issuer.sign({ aud: 'echo-client', azp: 'caller', oid: 'user-1', sub: 's', ...claims });

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    const env = parseEnv(
      schema,
      {
        AUTH_ISSUERS: issuer.issuer,
        AUTH_JWKS_URI: issuer.jwksUri,
        AUTH_AUDIENCES: 'echo-client,api://echo-service',
        LOG_LEVEL: 'silent',
        CHAIN_TRACE: 'true',
      },
      'echo-service',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceModule.forRoot({ name: 'echo-service', env, configKey: CONFIG, imports: [EchoModule] }),
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    configureApp(app, { name: 'echo-service' });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });

  it('guards every route with the AUTH_ settings: 401 problem without a token, 403 without the scope', async () => {
    const missing = await http().get('/echo').expect(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body.code).toBe('token_missing');
    const wrongScope = await http()
      .get('/echo')
      .set('authorization', `Bearer ${token({ scp: 'Other' })}`)
      .expect(403);
    expect(wrongScope.body.code).toBe('scope_missing');
    const otherAudience = await http()
      .get('/echo')
      .set('authorization', `Bearer ${token({ aud: 'someone-else', scp: 'Echo.Read' })}`)
      .expect(401);
    expect(otherAudience.body.code).toBe('token_audience_invalid');
  });

  it('serves a user with the scope, provides the environment under configKey, and returns x-chain-trace', async () => {
    const res = await http()
      .get('/echo')
      .set('authorization', `Bearer ${token({ scp: 'Echo.Read' })}`)
      .expect(200);
    expect(res.body).toEqual({ oid: 'user-1', audience: 'echo-client' });
    expect(res.headers[CHAIN_TRACE_HEADER]).toBeDefined();
    expect(res.headers['x-correlation-id']).toBeDefined();
  });

  it('answers the health routes without a token, readiness probing the JWKS', async () => {
    await http().get('/health/live').expect(200);
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ jwks: { status: 'up' } });
  });

  it('renders unknown routes as problem+json 404', async () => {
    const res = await http().get('/nowhere').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
