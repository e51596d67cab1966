import { randomBytes, randomUUID } from 'node:crypto';

import { decodeChainTrace } from '@chain/auth/testing';
import type { HopRecord } from '@chain/contracts';
import { loadRegistrations } from '@chain/local-tenant';
import { decodeClaims, harnessRequest } from '@chain/testing';
import request from 'supertest';

import {
  type DocumentsChain,
  documentsClientId,
  type DocumentsServiceUnderTest,
  startAzurite,
  startDocumentsChain,
  startDocumentsService,
  TEST_MAX_BYTES,
} from './support/documents-service.harness';

interface Programme {
  readonly id: string;
  readonly status: string;
  readonly ownerOid: string;
}

/** PGlite (program-service's embedded database) alone takes ~40 s to open under Jest on a loaded 2-core machine. */
const BOOT_TIMEOUT_MS = 240_000;
const users = loadRegistrations().users;
const oidOf = (name: string) => users.find((u) => u.username.startsWith(`${name}@`))!.oid;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), randomBytes(4096), Buffer.from('\n%%EOF\n')]);
const TEXT = Buffer.from(`policy schedule\n${randomBytes(512).toString('hex')}\nénd ✓\n`, 'utf8');

/** Collects a binary response body as a Buffer (supertest parses only text types by default). */
function binary(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

function hopsOf(res: request.Response): HopRecord[] {
  return decodeChainTrace(res.headers['x-chain-trace']) ?? [];
}

describe('documents-service (real emulator, program-service and Azurite; the second hop by real MSAL)', () => {
  let chain: DocumentsChain;
  let tokens: { alice: string; bob: string; uma: string };
  let programme: Programme;
  const http = () => request(chain.app.getHttpServer());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const documentsOf = (id: string) => `/programmes/${id}/documents`;

  beforeAll(async () => {
    chain = await startDocumentsChain();
    const [alice, bob, uma, aliceProgram] = await Promise.all([
      chain.documentsToken('alice'),
      chain.documentsToken('bob'),
      chain.documentsToken('uma'),
      chain.programToken('alice'),
    ]);
    tokens = { alice, bob, uma };
    const listed = await harnessRequest(`${chain.programServiceUrl}/programmes`, {
      headers: as(aliceProgram),
    });
    expect(listed.status).toBe(200);
    const programmes = listed.json<{ programmes: Programme[] }>().programmes;
    // Submitted: visible to its owner alice and to underwriters, invisible to bob (another brokerage).
    programme = programmes.find((p) => p.status === 'submitted' && p.ownerOid === oidOf('alice'))!;
    expect(programme).toBeDefined();
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await chain?.close();
  });

  const upload = (
    token: string,
    file: Buffer,
    filename: string,
    contentType: string,
    programmeId = programme.id,
  ) => http().post(documentsOf(programmeId)).set(as(token)).attach('file', file, { filename, contentType });

  it('answers 401 without a token, with a bare Bearer challenge', async () => {
    const res = await http().get(documentsOf(programme.id)).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['www-authenticate']).not.toContain('error=');
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it("answers 401 token_audience_invalid to the BFF's own token (never accepted downstream)", async () => {
    const res = await http()
      .get(documentsOf(programme.id))
      .set(as(await chain.bffToken('alice')))
      .expect(401);
    expect(res.body.code).toBe('token_audience_invalid');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('uploads a document and downloads it byte-identical, streamed with its type, name and length', async () => {
    const uploaded = await upload(tokens.alice, PDF, 'Prämie 2027.pdf', 'application/pdf').expect(201);
    expect(uploaded.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      programmeId: programme.id,
      fileName: 'Prämie 2027.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      ownerOid: oidOf('alice'),
      createdAt: expect.any(String),
    });
    const res = await http()
      .get(`${documentsOf(programme.id)}/${uploaded.body.id}`)
      .set(as(tokens.alice))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
    expect(res.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'content-disposition': `attachment; filename="Pr_mie 2027.pdf"; filename*=UTF-8''Pr%C3%A4mie%202027.pdf`,
      'x-content-type-options': 'nosniff',
    });
  });

  it('lists the programme’s documents for everyone who can see the programme', async () => {
    const uploaded = await upload(tokens.alice, TEXT, 'schedule.txt', 'text/plain').expect(201);
    for (const token of [tokens.alice, tokens.uma]) {
      const res = await http().get(documentsOf(programme.id)).set(as(token)).expect(200);
      expect(res.body.documents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: uploaded.body.id, fileName: 'schedule.txt', size: TEXT.length }),
        ]),
      );
    }
  });

  it('asks program-service on behalf of the same user, with its own token for program-service (x-chain-trace)', async () => {
    const res = await http().get(documentsOf(programme.id)).set(as(tokens.alice)).expect(200);
    const [hop] = hopsOf(res);
    expect(hop).toMatchObject({
      from: 'documents-service',
      to: 'PROGRAM',
      flow: 'on-behalf-of',
      method: 'GET',
      path: `/programmes/${programme.id}`,
      status: 200,
    });
    expect(hop?.token.claims).toMatchObject({
      aud: expect.stringMatching(/program-service|^[0-9a-f-]{36}$/),
      scp: 'Program.Read',
      azp: documentsClientId,
      oid: oidOf('alice'),
    });
    expect(decodeClaims(tokens.alice)['aud']).not.toEqual(hop?.token.claims.aud);
  });

  it('refuses every operation on a programme the user cannot see with 404, from the second-hop answer', async () => {
    const uploaded = await upload(tokens.alice, TEXT, 'secret.txt', 'text/plain').expect(201);
    const document = `${documentsOf(programme.id)}/${uploaded.body.id}`;
    const attempts = [
      http().get(documentsOf(programme.id)).set(as(tokens.bob)),
      upload(tokens.bob, TEXT, 'x.txt', 'text/plain'),
      http().get(document).set(as(tokens.bob)),
      http().delete(document).set(as(tokens.bob)),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect([res.status, res.body.code]).toEqual([404, 'not_found']);
      expect(hopsOf(res)).toEqual([expect.objectContaining({ to: 'PROGRAM', status: 404 })]);
    }
    await http().get(document).set(as(tokens.alice)).expect(200);
  });

  it('answers 404 for a programme that does not exist', async () => {
    const res = await http().get(documentsOf(randomUUID())).set(as(tokens.alice)).expect(404);
    expect(res.body.code).toBe('not_found');
  });

  it('lets only the owner delete: 403 not_owner for another user who sees the programme, 204 for the owner', async () => {
    const uploaded = await upload(tokens.alice, TEXT, 'to-delete.txt', 'text/plain').expect(201);
    const document = `${documentsOf(programme.id)}/${uploaded.body.id}`;
    const refused = await http().delete(document).set(as(tokens.uma)).expect(403);
    expect(refused.body.code).toBe('not_owner');
    await http().get(document).set(as(tokens.uma)).expect(200);
    await http().delete(document).set(as(tokens.alice)).expect(204);
    const gone = await http().get(document).set(as(tokens.alice)).expect(404);
    expect(gone.body.code).toBe('not_found');
  });

  it('refuses an upload over DOCUMENTS_MAX_BYTES with 413 payload_too_large', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(TEST_MAX_BYTES)]);
    const res = await upload(tokens.alice, big, 'big.pdf', 'application/pdf').expect(413);
    expect(res.body).toMatchObject({ code: 'payload_too_large', maxBytes: TEST_MAX_BYTES });
  });

  it('refuses types outside the list, and content that is not what it claims, with 415', async () => {
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, ...randomBytes(64)]);
    for (const [bytes, name, type] of [
      [elf, 'tool.exe', 'application/octet-stream'],
      [elf, 'notes.txt', 'text/plain'],
      [PDF, 'photo.png', 'image/png'],
      [Buffer.from('<script>alert(1)</script>'), 'page.html', 'text/html'],
    ] as const) {
      const res = await upload(tokens.alice, bytes, name, type);
      expect([name, res.status, res.body.code]).toEqual([name, 415, 'unsupported_media_type']);
    }
  });

  it('refuses an upload without a file and ids that are not UUIDs with 400 validation_failed', async () => {
    const noFile = await http()
      .post(documentsOf(programme.id))
      .set(as(tokens.alice))
      .field('note', 'x')
      .expect(400);
    expect(noFile.body.code).toBe('validation_failed');
    const notMultipart = await http()
      .post(documentsOf(programme.id))
      .set(as(tokens.alice))
      .send({})
      .expect(400);
    expect(notMultipart.body.code).toBe('validation_failed');
    const badId = await http().get(documentsOf('not-a-uuid')).set(as(tokens.alice)).expect(400);
    expect(badId.body.code).toBe('validation_failed');
  });

  it('is ready when the JWKS and the blob container answer, and serves OpenAPI', async () => {
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ jwks: { status: 'up' }, blobStorage: { status: 'up' } });
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/programmes/{programmeId}/documents',
        '/programmes/{programmeId}/documents/{id}',
      ]),
    );
  });
});

describe('documents-service token requirements (test issuer)', () => {
  let azurite: { blobEndpoint: string; stop(): Promise<void> };
  let sut: DocumentsServiceUnderTest;
  const path = `/programmes/${randomUUID()}/documents`;

  beforeAll(async () => {
    azurite = await startAzurite();
    sut = await startDocumentsService(azurite.blobEndpoint);
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await sut?.close();
    await azurite?.stop();
  });

  it('answers 403 scope_missing to a user token without Documents.ReadWrite', async () => {
    const res = await request(sut.app.getHttpServer())
      .get(path)
      .set('authorization', `Bearer ${sut.userToken({ scp: 'Program.Read' })}`)
      .expect(403);
    expect(res.body.code).toBe('scope_missing');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('answers 403 user_token_required to an app-only token', async () => {
    const res = await request(sut.app.getHttpServer())
      .get(path)
      .set('authorization', `Bearer ${sut.appToken()}`)
      .expect(403);
    expect(res.body.code).toBe('user_token_required');
  });
});
