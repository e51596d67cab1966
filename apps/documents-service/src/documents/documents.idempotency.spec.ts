import { AuthenticatedPrincipal } from '@chain/auth';

import { Clock } from '../common/clock/clock';
import { InMemoryBlobStore } from '../common/storage/in-memory-blob-store';
import { ProgrammeNotFoundError } from './documents.errors';
import { DocumentsService, idempotentDocumentId, type UploadedFile } from './documents.service';
import type { ProgramServiceClient } from './program-service.client';

const PROGRAMME = '9b1e2f3a-0000-4000-8000-000000000001';

function user(oid: string): AuthenticatedPrincipal {
  return new AuthenticatedPrincipal(
    {
      iss: 'https://issuer.test/v2.0',
      aud: 'api://documents-service',
      exp: 2e9,
      oid,
      scp: 'Documents.ReadWrite',
    },
    'raw-token-not-used',
  );
}
const alice = user('alice-oid');
const carol = user('carol-oid');

const file = (originalname: string, content: string): UploadedFile => ({
  originalname,
  mimetype: 'text/plain',
  buffer: Buffer.from(content, 'utf8'),
});

/** program-service's visibility check, which the test can hold (a stalled second hop). */
class GatedProgrammes {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  calls = 0;

  hold(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
    this.held = undefined;
  }
  async assertVisible(_principal: AuthenticatedPrincipal, programmeId: string): Promise<void> {
    this.calls += 1;
    await this.held;
    if (programmeId !== PROGRAMME) throw new ProgrammeNotFoundError();
  }
}

class TickingClock extends Clock {
  private t = Date.parse('2026-11-29T02:00:00.000Z');
  now(): Date {
    return new Date((this.t += 1_000));
  }
}

describe('DocumentsService upload with Idempotency-Key', () => {
  let store: InMemoryBlobStore;
  let programmes: GatedProgrammes;
  let service: DocumentsService;

  beforeEach(() => {
    store = new InMemoryBlobStore();
    programmes = new GatedProgrammes();
    service = new DocumentsService(programmes as unknown as ProgramServiceClient, store, new TickingClock());
  });

  it('stores a retried upload once and answers the retry with the first document', async () => {
    const first = await service.upload(alice, PROGRAMME, file('a.txt', 'schedule'), 'k1');
    const again = await service.upload(alice, PROGRAMME, file('a.txt', 'schedule'), 'k1');
    expect(again).toEqual(first);
    expect(first.id).toBe(idempotentDocumentId(alice, PROGRAMME, 'k1'));
    expect(store.blobs.size).toBe(1);
  });

  it('answers 409 to a retry while the first upload with the key is still running, then the stored document', async () => {
    programmes.hold();
    const first = service.upload(alice, PROGRAMME, file('a.txt', 'schedule'), 'k2');
    await expect(service.upload(alice, PROGRAMME, file('a.txt', 'schedule'), 'k2')).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      retryAfterSeconds: 1,
    });
    programmes.open();
    const stored = await first;
    await expect(service.upload(alice, PROGRAMME, file('a.txt', 'schedule'), 'k2')).resolves.toEqual(stored);
    expect(store.blobs.size).toBe(1);
  });

  it('answers 422 to the same key with another file, while running and after', async () => {
    programmes.hold();
    const first = service.upload(alice, PROGRAMME, file('a.txt', 'one'), 'k3');
    await expect(service.upload(alice, PROGRAMME, file('a.txt', 'two'), 'k3')).rejects.toMatchObject({
      status: 422,
    });
    programmes.open();
    await first;
    for (const other of [file('a.txt', 'two'), file('b.txt', 'one')]) {
      await expect(service.upload(alice, PROGRAMME, other, 'k3')).rejects.toMatchObject({ status: 422 });
    }
    expect(store.blobs.size).toBe(1);
  });

  it("keeps users apart: carol's upload with alice's key is her own document", async () => {
    const mine = await service.upload(alice, PROGRAMME, file('a.txt', 'x'), 'k4');
    const hers = await service.upload(carol, PROGRAMME, file('a.txt', 'x'), 'k4');
    expect(hers.id).not.toBe(mine.id);
    expect(store.blobs.size).toBe(2);
  });

  it('still checks the programme on a retry: no document is revealed where the programme is not visible', async () => {
    await service.upload(alice, PROGRAMME, file('a.txt', 'x'), 'k5');
    const other = '9b1e2f3a-0000-4000-8000-00000000ffff';
    await expect(service.upload(alice, other, file('a.txt', 'x'), 'k5')).rejects.toBeInstanceOf(
      ProgrammeNotFoundError,
    );
  });

  it('answers the document another replica stored meanwhile when its own write is refused', async () => {
    const elsewhere = new DocumentsService(
      programmes as unknown as ProgramServiceClient,
      store,
      new TickingClock(),
    );
    // Both replicas look before either writes: each finds nothing, both write, one write is refused.
    const stat = store.stat.bind(store);
    let arrived = 0;
    let bothLooked: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothLooked = resolve));
    store.stat = async (name) => {
      const found = await stat(name);
      if (++arrived <= 2) {
        if (arrived === 2) bothLooked();
        await barrier;
      }
      return found;
    };
    const upload = store.upload.bind(store);
    const refused: unknown[] = [];
    store.upload = async (write) => {
      try {
        await upload(write);
      } catch (error) {
        refused.push(error);
        throw error;
      }
    };
    const [a, b] = await Promise.all([
      service.upload(alice, PROGRAMME, file('a.txt', 'x'), 'k6'),
      elsewhere.upload(alice, PROGRAMME, file('a.txt', 'x'), 'k6'),
    ]);
    expect(refused).toHaveLength(1);
    expect(a).toEqual(b);
    expect(store.blobs.size).toBe(1);
  });
});
