import { Readable } from 'node:stream';

import { DownstreamClient } from '@chain/auth';
import { ProblemDetailsFilter } from '@chain/platform';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';

import { FakeDownstreamClient, readAll, userPrincipal } from '../common/downstream-test.fakes';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { bffConfig } from '../config/bff.config';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

const MAX = 64 * 1024;

/**
 * The documents routes over HTTP with a faked documents-service: what reaches the downstream is the
 * SPA's multipart body byte for byte, and a download comes back byte for byte. (The JWT guard is
 * libs/auth's and is covered by the e2e tests; here a middleware puts alice's principal on the request.)
 */
describe('DocumentsController (faked downstream)', () => {
  let app: INestApplication;
  let downstreams: FakeDownstreamClient;
  let uploaded: { body: Buffer; contentType?: string } | undefined;

  beforeAll(async () => {
    downstreams = new FakeDownstreamClient();
    const moduleRef = await Test.createTestingModule({
      imports: [IdempotencyModule],
      controllers: [DocumentsController],
      providers: [
        DocumentsService,
        { provide: DownstreamClient, useValue: downstreams },
        { provide: bffConfig.KEY, useValue: { DOCUMENTS_MAX_BYTES: MAX } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use((req: Request, _res: Response, next: NextFunction) => {
      (req as Request & { user: unknown }).user = userPrincipal('oid-alice');
      next();
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    uploaded = undefined;
    downstreams.calls.length = 0;
    downstreams.answer(async (call) => {
      if (call.body instanceof Readable) {
        uploaded = { body: await readAll(call.body), contentType: call.options.headers?.['content-type'] };
        return { status: 201, data: { id: 'doc-1', fileName: 'schedule.txt' } };
      }
      return { data: {} };
    });
  });

  it('streams the multipart upload through unchanged and answers 201 with the document', async () => {
    const content = Buffer.from('policy schedule\nénd ✓\n');
    const res = await request(app.getHttpServer())
      .post('/api/programmes/prog-1/documents')
      .attach('file', content, { filename: 'schedule.txt', contentType: 'text/plain' })
      .expect(201);
    expect(res.body).toEqual({ id: 'doc-1', fileName: 'schedule.txt' });
    expect(uploaded?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = uploaded!.contentType!.split('boundary=')[1]!;
    expect(uploaded!.body.toString('utf8')).toContain(`--${boundary}`);
    expect(uploaded!.body.includes(content)).toBe(true);
    expect(uploaded!.body.toString('utf8')).toContain('name="file"; filename="schedule.txt"');
  });

  it('answers 413 payload_too_large for an upload over the limit, without calling documents-service', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/programmes/prog-1/documents')
      .attach('file', Buffer.alloc(MAX * 2 + 100_000), 'big.bin')
      .expect(413);
    expect(res.body).toMatchObject({ code: 'payload_too_large', maxBytes: MAX });
    expect(downstreams.calls).toEqual([]);
  });

  it('answers 415 to an upload that is not multipart', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/programmes/prog-1/documents')
      .send({ file: 'x' })
      .expect(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('streams a download back byte-identical with its content type and length', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    downstreams.answer(async () => ({
      data: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]),
      headers: {
        'content-type': 'application/pdf',
        'content-length': String(bytes.length),
        'content-disposition': 'attachment; filename="schedule.pdf"',
      },
    }));
    const res = await request(app.getHttpServer())
      .get('/api/programmes/prog-1/documents/doc-1')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((res.body as Buffer).equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers['content-disposition']).toBe('attachment; filename="schedule.pdf"');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('lists and deletes (204) through documents-service', async () => {
    downstreams.answer(async () => ({ data: { documents: [{ id: 'doc-1' }] } }));
    await request(app.getHttpServer())
      .get('/api/programmes/prog-1/documents')
      .expect(200, { documents: [{ id: 'doc-1' }] });
    await request(app.getHttpServer()).delete('/api/programmes/prog-1/documents/doc-1').expect(204);
    expect(downstreams.calls.map((c) => [c.method, c.path])).toEqual([
      ['GET', '/programmes/prog-1/documents'],
      ['DELETE', '/programmes/prog-1/documents/doc-1'],
    ]);
  });

  it('refuses ids that could change the downstream path with 400, before any call', async () => {
    for (const path of [
      '/api/programmes/..%2Fadmin/documents',
      '/api/programmes/prog-1/documents/..',
      '/api/programmes/a.b/documents',
    ]) {
      const res = await request(app.getHttpServer()).get(path);
      expect([path, res.status, res.body.code]).toEqual([path, 400, 'validation_failed']);
    }
    expect(downstreams.calls).toEqual([]);
  });
});
