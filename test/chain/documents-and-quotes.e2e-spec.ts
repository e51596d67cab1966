import { randomBytes } from 'node:crypto';

import { type Chain, type SignedIn, signIn, startChain } from '@chain/testing';

import { audiencesOf, scopesOf } from './support/audiences';
import { ApiClient, bearerParams } from './support/bff-api';
import { hopTo, traceOf } from './support/chain-trace';
import { stopAndScanLogs } from './support/log-leaks';
import { listProgrammes, type Programme } from './support/programmes';

interface StoredDocument {
  readonly id: string;
  readonly programmeId: string;
  readonly fileName: string;
  readonly size: number;
}

describe('quotes and documents through the chain (every app its own process, real MSAL)', () => {
  let chain: Chain;
  let aliceSession: SignedIn;
  let alice: ApiClient;
  let bob: ApiClient;
  let programme: Programme;
  let document: StoredDocument;
  const content = Buffer.from(`policy schedule\n${randomBytes(2048).toString('hex')}\nénd ✓\n`, 'utf8');

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-documents' });
    aliceSession = await signIn(chain, 'alice');
    alice = new ApiClient(chain.url('bff'), aliceSession);
    bob = new ApiClient(chain.url('bff'), await signIn(chain, 'bob'));
    programme = (await listProgrammes(alice))[0] as Programme;
  });

  afterAll(() => chain?.stop());

  it('prices a programme in one BFF request: on-behalf-of to program-service, client credentials to pricing-service', async () => {
    const res = await alice.get<{ programme: Programme; quote: Record<string, unknown> }>(
      `/api/programmes/${programme.id}/quote`,
    );
    expect(res.status).toBe(200);
    expect(res.body.programme.id).toBe(programme.id);
    expect(res.body.quote).toMatchObject({
      lineOfBusiness: programme.lineOfBusiness,
      region: programme.region,
    });
    expect(res.body.quote['premium']).toEqual(expect.any(Number));

    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    const program = hopTo(hops, 'program');
    expect(program).toMatchObject({ flow: 'on-behalf-of', status: 200 });
    expect(audiencesOf(chain, 'program-service')).toContain(program.token.claims['aud']);
    expect(scopesOf(program.token.claims)).toContain('Program.ReadWrite');
    expect(program.token.claims).toMatchObject({
      oid: aliceSession.claims['oid'],
      azp: chain.clientId('bff'),
    });
    const pricing = hopTo(hops, 'pricing');
    expect(pricing).toMatchObject({ flow: 'client-credentials', status: 200 });
    expect(audiencesOf(chain, 'pricing-service')).toContain(pricing.token.claims['aud']);
    expect(pricing.token.claims['roles']).toContain('Pricing.Read.All');
    expect(pricing.token.claims['scp']).toBeUndefined();
  });

  it('uploads a document and downloads it byte-identical', async () => {
    const file = { name: 'schedule.txt', type: 'text/plain', bytes: content };
    const uploaded = await alice.upload<StoredDocument>(`/api/programmes/${programme.id}/documents`, file);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      programmeId: programme.id,
      fileName: 'schedule.txt',
      size: content.length,
    });
    document = uploaded.body;

    const listed = await alice.get<unknown>(`/api/programmes/${programme.id}/documents`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(document.id);
    const downloaded = await alice.get(`/api/programmes/${programme.id}/documents/${document.id}`);
    expect(downloaded.status).toBe(200);
    expect(downloaded.bytes.equals(content)).toBe(true);
  });

  it('reaches program-service from documents-service on behalf of the same user (the second hop)', async () => {
    const res = await alice.get(`/api/programmes/${programme.id}/documents`);
    const documents = hopTo((await traceOf(alice, res.headers.get('x-correlation-id'))).hops, 'documents');
    expect(documents).toMatchObject({ flow: 'on-behalf-of', status: 200 });
    expect(audiencesOf(chain, 'documents-service')).toContain(documents.token.claims['aud']);
    expect(scopesOf(documents.token.claims)).toContain('Documents.ReadWrite');
    const secondHop = hopTo(documents.children ?? [], 'program');
    expect(secondHop).toMatchObject({ flow: 'on-behalf-of', status: 200 });
    expect(audiencesOf(chain, 'program-service')).toContain(secondHop.token.claims['aud']);
    expect(scopesOf(secondHop.token.claims)).toEqual(['Program.Read']);
    expect(secondHop.token.claims).toMatchObject({
      oid: aliceSession.claims['oid'],
      azp: chain.clientId('documents-service'),
    });
  });

  it("refuses bob the documents of a Northwind programme at documents-service's second-hop check", async () => {
    const list = await bob.get(`/api/programmes/${programme.id}/documents`);
    const read = await bob.get(`/api/programmes/${programme.id}/documents/${document.id}`);
    const upload = await bob.upload(`/api/programmes/${programme.id}/documents`, {
      name: 'x.txt',
      type: 'text/plain',
      bytes: content,
    });
    expect([list.status, read.status, upload.status]).toEqual([404, 404, 404]);
    expect(read.bytes.includes(content.subarray(0, 32))).toBe(false);

    const documents = hopTo((await traceOf(bob, list.headers.get('x-correlation-id'))).hops, 'documents');
    expect(documents.status).toBe(404);
    expect(hopTo(documents.children ?? [], 'program')).toMatchObject({ flow: 'on-behalf-of', status: 404 });
  });

  it.each([
    ['program-service', (id: string) => `/programmes/${id}`],
    ['documents-service', (id: string) => `/programmes/${id}/documents`],
    ['pricing-service', () => '/rates?lineOfBusiness=property&region=uk'],
  ] as const)(
    "makes %s refuse the BFF's own token with 401 invalid_token (it accepts only its own audience)",
    async (app, path) => {
      expect(aliceSession.claims['aud']).not.toBe(chain.clientId(app));
      const res = await new ApiClient(chain.url(app), aliceSession).get(path(programme.id));
      expect(res.status).toBe(401);
      expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('invalid_token');
      expect(res.body).toMatchObject({ code: 'token_audience_invalid' });
    },
  );

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toHaveLength(6);
    expect(scan.leaks).toEqual([]);
  });
});
