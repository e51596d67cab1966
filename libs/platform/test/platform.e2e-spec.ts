import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { Body, Controller, Get, Injectable, Logger, Module, Post, Req } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { IsString } from 'class-validator';
import type { Request } from 'express';
import request from 'supertest';

import { bootstrapApp, listHttpRoutes, PlatformModule, type ReadinessIndicator } from '../src';
import { ProblemDetailsFilter } from '../src/errors/problem-details.filter';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

class EchoDto {
  @IsString() name!: string;
}

/** A stand-in for an app's database check, switchable by the test. */
@Injectable()
class SwitchableIndicator implements ReadinessIndicator {
  static up = true;
  constructor(private readonly indicators: HealthIndicatorService) {}
  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('database');
    return SwitchableIndicator.up ? session.up() : session.down({ reason: 'test says down' });
  }
}

@Controller('probe')
class ProbeController {
  private readonly logger = new Logger('ProbeController');

  @Get()
  get(@Req() req: Request): { ok: true } {
    this.logger.log(`handling with ${String(req.headers.authorization)}`);
    this.logger.log({ msg: 'acquired', accessToken: 'opaque-secret-value', token: { source: 'cache' } });
    return { ok: true };
  }

  @Post()
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }
}

@Module({ imports: [TerminusModule], providers: [SwitchableIndicator], exports: [SwitchableIndicator] })
class FakeDatabaseModule {}

describe('platform bootstrap', () => {
  const lines: string[] = [];
  let jwks: Server;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    jwks = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[{"kid":"k"}]}'),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;

    @Module({
      imports: [
        PlatformModule.forRoot({
          name: 'platform-test',
          logLevel: 'info',
          logDestination: { write: (line: string) => lines.push(line) },
          jwksUri,
          readinessChecks: [SwitchableIndicator],
        }),
        FakeDatabaseModule,
      ],
      controllers: [ProbeController],
      // The problem+json filter every app of the chain has (through AuthModule).
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
    class TestAppModule {}

    app = await bootstrapApp(TestAppModule, {
      name: 'platform-test',
      defaultPort: 0,
      host: '127.0.0.1',
      port: 0,
      openApi: { authority: 'https://login.example/tenant', scopes: { 'api://x/Read': 'read' } },
    });
    const listening = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'listening');
    url = String(listening?.['url']);
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('logs one listening line with the real port', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    expect(lines.filter((l) => l.includes('"msg":"listening"'))).toHaveLength(1);
  });

  it('lists every declared route for inventory tests', () => {
    const routes = listHttpRoutes(app).map((r) => `${r.method} ${r.path}`);
    expect(routes.sort()).toEqual(['GET /health/live', 'GET /health/ready', 'GET /probe', 'POST /probe']);
  });

  it('answers liveness and readiness, and readiness fails when a dependency is down', async () => {
    await request(url).get('/health/live').expect(200);
    const ready = await request(url).get('/health/ready').expect(200);
    expect(ready.body.info).toEqual({ jwks: { status: 'up', keys: 1 }, database: { status: 'up' } });
    SwitchableIndicator.up = false;
    const down = await request(url).get('/health/ready').expect(503);
    // A problem that names the check that is down, not a generic "unexpected error".
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({
      status: 503,
      code: 'service_unavailable',
      checks: { jwks: 'up', database: 'down' },
    });
    expect(down.body.detail).toBe('Not ready: database down.');
    SwitchableIndicator.up = true;
  });

  it('serves OpenAPI with a bearer scheme and an OAuth2 authorization-code scheme at the authority', async () => {
    const doc = await request(url).get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.components.securitySchemes.oauth2.flows.authorizationCode).toEqual({
      authorizationUrl: 'https://login.example/tenant/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.example/tenant/oauth2/v2.0/token',
      scopes: { 'api://x/Read': 'read' },
    });
  });

  it('refuses unknown body properties and wrong types with 400', async () => {
    await request(url).post('/probe').send({ name: 'a' }).expect(201, { name: 'a' });
    await request(url).post('/probe').send({ name: 'a', admin: true }).expect(400);
    await request(url).post('/probe').send({ name: 7 }).expect(400);
  });

  it('never logs an Authorization header, a JWT or a token-like field, and logs the correlation id', async () => {
    await request(url)
      .get('/probe')
      .set('authorization', `Bearer ${JWT}`)
      .set('x-correlation-id', 'corr-123')
      .expect(200);
    const all = lines.join('\n');
    expect(all).not.toContain(JWT);
    expect(all).not.toContain('eyJhbGci');
    expect(all).not.toContain('opaque-secret-value');
    const completed = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'request completed' && l['correlationId'] === 'corr-123');
    expect(completed).toMatchObject({
      req: { method: 'GET', url: '/probe', headers: { 'x-correlation-id': 'corr-123' } },
    });
    const handled = lines.find((l) => l.includes('handling with'));
    expect(handled).toContain('"correlationId":"corr-123"');
    expect(JSON.stringify(completed)).not.toContain('authorization');
    expect(all).toContain('"token":{"source":"cache"}');
  });
});
