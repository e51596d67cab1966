import { gzipSync } from 'node:zlib';

import { Body, Controller, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsNumber, IsString, MaxLength } from 'class-validator';
import request from 'supertest';

import { configureApp } from '../bootstrap/bootstrap-app';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { PlatformModule } from '../platform.module';
import { DEFAULT_BODY_LIMITS } from './body-limits.options';

class TermsDto {
  @IsString()
  @MaxLength(200)
  name!: string;

  @IsNumber()
  insuredValue!: number;
}

@Controller('terms')
class TermsController {
  @Post()
  create(@Body() body: TermsDto): TermsDto {
    return body;
  }

  /** No DTO: whatever parsed comes back, so the parser's own limits are visible. */
  @Post('raw')
  raw(@Body() body: unknown): unknown {
    return { received: body };
  }
}

/** `{"a":{"a":…{"a":1}…}}`, `levels` objects deep. */
const nested = (levels: number, leaf = '1'): string =>
  `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;

/**
 * The body parsers every app gets from `configureApp()`: a real Nest app with the platform's global
 * ValidationPipe and the chain's problem+json filter, as the services run them.
 */
describe('body parsers of configureApp()', () => {
  let app: INestApplication;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    request(app.getHttpServer())
      .post(path)
      .set({ 'content-type': 'application/json', ...headers })
      .serialize((data: unknown) => data as string)
      .send(body);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot({ name: 'body-limits-test', logLevel: 'silent' })],
      controllers: [TermsController],
    }).compile();
    app = moduleRef.createNestApplication();
    configureApp(app, { name: 'body-limits-test', bodyLimits: { maxBytes: 8 * 1024 } });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
  });

  afterAll(() => app.close());

  it('accepts a valid body and refuses an ordinary unknown member with 400', async () => {
    await post('/terms', JSON.stringify({ name: 'n', insuredValue: 1 })).expect(201, {
      name: 'n',
      insuredValue: 1,
    });
    const res = await post('/terms', JSON.stringify({ name: 'n', insuredValue: 1, extra: 1 })).expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', detail: 'property extra should not exist' });
  });

  it('answers 400 naming the depth limit to a body nested 1,400 levels deep (under 3 kB), not a 500', async () => {
    const body = `{"name":${'['.repeat(1_400)}${']'.repeat(1_400)},"insuredValue":1}`;
    expect(body.length).toBeLessThan(3 * 1024);
    const res = await post('/terms', body).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'validation_failed',
      limit: 'maxDepth',
      maxDepth: DEFAULT_BODY_LIMITS.maxDepth,
    });
  });

  it('answers 400 to deep nesting under an unknown member and inside arrays', async () => {
    for (const body of [
      `{"name":"n","insuredValue":1,"x":${nested(1_000)}}`,
      `[${'['.repeat(2_000)}${']'.repeat(2_000)}]`,
    ]) {
      const res = await post('/terms', body);
      expect([res.status, res.body.limit]).toEqual([400, 'maxDepth']);
    }
  });

  it('counts brackets inside strings as text, not nesting', async () => {
    const name = '{['.repeat(100);
    await post('/terms', JSON.stringify({ name, insuredValue: 1 })).expect(201);
  });

  it('accepts nesting at the limit and refuses one level more', async () => {
    const max = DEFAULT_BODY_LIMITS.maxDepth;
    await post('/terms/raw', nested(max)).expect(201);
    const res = await post('/terms/raw', nested(max + 1)).expect(400);
    expect(res.body.maxDepth).toBe(max);
  });

  it('refuses __proto__, constructor and prototype members at any depth with 400, like other unknown members', async () => {
    const bodies = [
      '{"name":"n","insuredValue":1,"__proto__":{"admin":true}}',
      '{"name":"n","insuredValue":1,"constructor":{"prototype":{"admin":true}}}',
      '{"name":"n","insuredValue":1,"prototype":1}',
      '{"name":"n","insuredValue":1,"x":[{"y":{"__proto__":null}}]}',
    ];
    for (const body of bodies) {
      const res = await post('/terms', body);
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
      expect(res.body.detail).toMatch(/^property (__proto__|constructor|prototype) should not exist$/);
    }
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('answers 413 naming the size limit, also when the body is compressed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(9_000), insuredValue: 1 });
    for (const [body, headers] of [
      [big, {}],
      [gzipSync(big), { 'content-encoding': 'gzip' }],
    ] as const) {
      const res = await post('/terms', body, headers).expect(413);
      expect(res.body).toMatchObject({ code: 'payload_too_large', limit: 'maxBytes', maxBytes: 8 * 1024 });
    }
  });

  it('answers 400 to malformed JSON without echoing it', async () => {
    const res = await post('/terms', '{"name": "<script>secret</script>",').expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('parses forms flat: nested keys stay unknown members, forbidden ones are refused', async () => {
    const form = (body: string) =>
      request(app.getHttpServer())
        .post('/terms/raw')
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(body);
    await form('a=1&b=2').expect(201, { received: { a: '1', b: '2' } });
    await form('a[b][c]=1').expect(201, { received: { 'a[b][c]': '1' } });
    const refused = await form('__proto__=1').expect(400);
    expect(refused.body.detail).toBe('property __proto__ should not exist');
    const many = await form(Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&')).expect(413);
    expect(many.body).toMatchObject({ limit: 'maxParameters', maxParameters: 100 });
  });
});
