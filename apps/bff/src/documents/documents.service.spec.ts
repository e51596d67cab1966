import { Readable } from 'node:stream';

import { TokenBrokerError } from '@chain/auth';
import type { ConfigType } from '@nestjs/config';

import { chunked, FakeDownstreamClient, readAll, userPrincipal } from '../common/downstream-test.fakes';
import type { bffConfig } from '../config/bff.config';
import { UploadNotMultipartError, UploadTooLargeError } from './documents.errors';
import { DocumentsService, MULTIPART_OVERHEAD_BYTES } from './documents.service';

const MAX = 1_000;
const MULTIPART = 'multipart/form-data; boundary=----x';
const config = { DOCUMENTS_MAX_BYTES: MAX } as ConfigType<typeof bffConfig>;

describe('DocumentsService', () => {
  const alice = userPrincipal('oid-alice');
  let downstreams: FakeDownstreamClient;
  let service: DocumentsService;
  let received: Buffer | undefined;

  beforeEach(() => {
    received = undefined;
    downstreams = new FakeDownstreamClient(async (call) => {
      if (call.body instanceof Readable) received = await readAll(call.body);
      return { status: 201, data: { id: 'doc-1' } };
    });
    service = new DocumentsService(downstreams.asClient(), config);
  });

  it('streams an upload to documents-service on behalf of the user, with its multipart framing', async () => {
    const bytes = Buffer.alloc(MAX, 7);
    await expect(
      service.upload(alice, 'prog-1', {
        stream: chunked(bytes, 100),
        contentType: MULTIPART,
        contentLength: MAX,
      }),
    ).resolves.toEqual({ id: 'doc-1' });
    expect(received?.equals(bytes)).toBe(true);
    const call = downstreams.calls[0]!;
    expect([call.downstream, call.as, call.method, call.path]).toEqual([
      'DOCUMENTS',
      'user:oid-alice',
      'POST',
      '/programmes/prog-1/documents',
    ]);
    expect(call.options.headers).toEqual({ 'content-type': MULTIPART, 'content-length': String(MAX) });
  });

  it('refuses a declared size over the limit before asking for any token', async () => {
    const tooLong = MAX + MULTIPART_OVERHEAD_BYTES + 1;
    await expect(
      service.upload(alice, 'prog-1', {
        stream: chunked(Buffer.alloc(10)),
        contentType: MULTIPART,
        contentLength: tooLong,
      }),
    ).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(downstreams.calls).toEqual([]);
  });

  it('cuts off an upload without Content-Length once it crosses the limit, with 413', async () => {
    downstreams.answer(async (call) => {
      await readAll(call.body as Readable);
      return { data: {} };
    });
    const oversized = Buffer.alloc(MAX + MULTIPART_OVERHEAD_BYTES + 1);
    const error = await service
      .upload(alice, 'prog-1', {
        stream: chunked(oversized, 4096),
        contentType: MULTIPART,
        contentLength: undefined,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect((error as UploadTooLargeError).status).toBe(413);
  });

  it('refuses anything but multipart/form-data with 415', async () => {
    for (const contentType of [undefined, 'application/json', 'multipart/form-data']) {
      await expect(
        service.upload(alice, 'prog-1', { stream: chunked(Buffer.alloc(1)), contentType, contentLength: 1 }),
      ).rejects.toBeInstanceOf(UploadNotMultipartError);
    }
    expect(downstreams.calls).toEqual([]);
  });

  it("relays documents-service's own refusals unchanged", async () => {
    const refused = new TokenBrokerError({ code: 'not_found', status: 404, detail: 'No programme.' });
    downstreams.answer(async () => {
      throw refused;
    });
    await expect(
      service.upload(alice, 'prog-1', {
        stream: chunked(Buffer.alloc(1)),
        contentType: MULTIPART,
        contentLength: 1,
      }),
    ).rejects.toBe(refused);
    await expect(service.list(alice, 'prog-1')).rejects.toBe(refused);
  });

  it('hands a download through as a stream with its type and length, as an attachment by default', async () => {
    const body = Readable.from([Buffer.from('%PDF-1.7')]);
    downstreams.answer(async () => ({
      data: body,
      headers: { 'content-type': 'application/pdf', 'content-length': '8' },
    }));
    const file = await service.download(alice, 'prog-1', 'doc-1');
    expect(file).toEqual({
      stream: body,
      contentType: 'application/pdf',
      contentLength: 8,
      contentDisposition: 'attachment',
    });
    expect(downstreams.calls.map((c) => [c.method, c.path])).toEqual([
      ['GET', '/programmes/prog-1/documents/doc-1'],
    ]);
  });

  it('lists and deletes through documents-service on behalf of the user', async () => {
    downstreams.answer(async () => ({ data: { documents: [] } }));
    await expect(service.list(alice, 'prog-1')).resolves.toEqual({ documents: [] });
    await service.remove(alice, 'prog-1', 'doc-1');
    expect(downstreams.calls.map((c) => [c.as, c.method, c.path])).toEqual([
      ['user:oid-alice', 'GET', '/programmes/prog-1/documents'],
      ['user:oid-alice', 'DELETE', '/programmes/prog-1/documents/doc-1'],
    ]);
  });
});
