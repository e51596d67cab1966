import type { Readable } from 'node:stream';

import { AuthenticatedPrincipal } from '@chain/auth';

import { Clock } from '../common/clock/clock';
import { InMemoryBlobStore } from '../common/storage/in-memory-blob-store';
import { blobNameOf } from './document.model';
import { ProgrammeNotFoundError } from './documents.errors';
import { DocumentsService, type UploadedFile } from './documents.service';
import type { ProgramServiceClient } from './program-service.client';

const NORTHWIND_PROGRAMME = '9b1e2f3a-0000-4000-8000-000000000001';
const FABRIKAM_PROGRAMME = '9b1e2f3a-0000-4000-8000-000000000002';
const NOW = new Date('2026-11-29T02:00:00.000Z');

function user(oid: string): AuthenticatedPrincipal {
  return new AuthenticatedPrincipal(
    {
      iss: 'https://issuer.test/v2.0',
      aud: 'api://documents-service',
      exp: 2_000_000_000,
      oid,
      scp: 'Documents.ReadWrite',
    },
    'raw-token-not-used',
  );
}

const alice = user('alice-oid');
const carol = user('carol-oid');
const bob = user('bob-oid');

/** program-service's answer, reduced to "who sees which programme". */
class FakeProgrammes {
  readonly calls: { oid: string; programmeId: string }[] = [];
  constructor(private readonly visible: Record<string, readonly string[]>) {}

  async assertVisible(principal: AuthenticatedPrincipal, programmeId: string): Promise<void> {
    this.calls.push({ oid: principal.oid, programmeId });
    if (!(this.visible[principal.oid] ?? []).includes(programmeId)) throw new ProgrammeNotFoundError();
  }
}

class FrozenClock extends Clock {
  now(): Date {
    return NOW;
  }
}

const file = (originalname: string, content: string, mimetype = 'text/plain'): UploadedFile => ({
  originalname,
  mimetype,
  buffer: Buffer.from(content, 'utf8'),
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('DocumentsService', () => {
  let store: InMemoryBlobStore;
  let programmes: FakeProgrammes;
  let service: DocumentsService;

  beforeEach(() => {
    store = new InMemoryBlobStore();
    programmes = new FakeProgrammes({
      'alice-oid': [NORTHWIND_PROGRAMME],
      'carol-oid': [NORTHWIND_PROGRAMME],
      'bob-oid': [FABRIKAM_PROGRAMME],
    });
    service = new DocumentsService(programmes as unknown as ProgramServiceClient, store, new FrozenClock());
  });

  it('stores an upload under <programmeId>/<id> with the caller as owner and the type its bytes show', async () => {
    const stored = await service.upload(
      alice,
      NORTHWIND_PROGRAMME,
      file('../schedule.txt', 'hello', 'text/csv'),
    );
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      programmeId: NORTHWIND_PROGRAMME,
      fileName: 'schedule.txt',
      contentType: 'text/csv; charset=utf-8',
      size: 5,
      ownerOid: 'alice-oid',
      createdAt: NOW,
    });
    expect([...store.blobs.keys()]).toEqual([blobNameOf(NORTHWIND_PROGRAMME, stored.id)]);
  });

  it('lists and streams back what was stored, byte for byte', async () => {
    const stored = await service.upload(alice, NORTHWIND_PROGRAMME, file('a.txt', 'policy ✓'));
    expect(await service.list(carol, NORTHWIND_PROGRAMME)).toEqual([stored]);
    const opened = await service.open(carol, NORTHWIND_PROGRAMME, stored.id);
    expect((await readAll(opened.content)).toString('utf8')).toBe('policy ✓');
    expect(opened.disposition).toBe(`attachment; filename="a.txt"; filename*=UTF-8''a.txt`);
  });

  it('asks program-service first, on every operation, and stops at its 404', async () => {
    const stored = await service.upload(alice, NORTHWIND_PROGRAMME, file('a.txt', 'x'));
    programmes.calls.length = 0;
    const attempts = [
      service.list(bob, NORTHWIND_PROGRAMME),
      service.upload(bob, NORTHWIND_PROGRAMME, file('b.txt', 'y')),
      service.upload(bob, NORTHWIND_PROGRAMME, undefined),
      service.open(bob, NORTHWIND_PROGRAMME, stored.id),
      service.remove(bob, NORTHWIND_PROGRAMME, stored.id),
    ];
    for (const attempt of attempts)
      await expect(attempt).rejects.toMatchObject({ code: 'not_found', status: 404 });
    expect(programmes.calls).toHaveLength(5);
    expect(programmes.calls.every((c) => c.oid === 'bob-oid')).toBe(true);
    expect(store.blobs.size).toBe(1);
  });

  it('does not find a document through another programme', async () => {
    const stored = await service.upload(bob, FABRIKAM_PROGRAMME, file('a.txt', 'x'));
    programmes = new FakeProgrammes({ 'bob-oid': [FABRIKAM_PROGRAMME, NORTHWIND_PROGRAMME] });
    service = new DocumentsService(programmes as unknown as ProgramServiceClient, store, new FrozenClock());
    await expect(service.open(bob, NORTHWIND_PROGRAMME, stored.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await service.list(bob, NORTHWIND_PROGRAMME)).toEqual([]);
  });

  it('lets only the owner delete, and answers 404 once it is gone', async () => {
    const stored = await service.upload(alice, NORTHWIND_PROGRAMME, file('a.txt', 'x'));
    await expect(service.remove(carol, NORTHWIND_PROGRAMME, stored.id)).rejects.toMatchObject({
      code: 'not_owner',
      status: 403,
    });
    await service.remove(alice, NORTHWIND_PROGRAMME, stored.id);
    expect(store.blobs.size).toBe(0);
    await expect(service.remove(alice, NORTHWIND_PROGRAMME, stored.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a missing or empty file with 400 and an unaccepted type with 415', async () => {
    await expect(service.upload(alice, NORTHWIND_PROGRAMME, undefined)).rejects.toMatchObject({
      code: 'validation_failed',
      status: 400,
    });
    await expect(service.upload(alice, NORTHWIND_PROGRAMME, file('a.txt', ''))).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      service.upload(alice, NORTHWIND_PROGRAMME, file('run.sh', '#!/bin/sh\n', 'application/x-sh')),
    ).rejects.toMatchObject({ code: 'unsupported_media_type', status: 415 });
    expect(store.blobs.size).toBe(0);
  });
});
