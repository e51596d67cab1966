import { randomBytes } from 'node:crypto';

import { type Chain, type SignedIn, signIn, startChain } from '@chain/testing';

import { requestsSeenBy } from './support/app-logs';
import { audiencesOf } from './support/audiences';
import { ApiClient, bearerParams } from './support/bff-api';
import { type Hop, hopTo, traceOf } from './support/chain-trace';
import { DELEGATES, expectUserHop, USER_FLOW, USER_GRANT } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';
import { listProgrammes, type Programme, submittedProgramme } from './support/programmes';

interface StoredDocument {
  readonly id: string;
  readonly programmeId: string;
  readonly fileName: string;
  readonly size: number;
}

interface QuoteAnswer {
  readonly programme: Programme;
  readonly quote: Record<string, unknown>;
}

/** The downstream a hop went to, by the registration name its `to` mentions (`PROGRAM` → program-service). */
const DOWNSTREAMS = ['program-service', 'pricing-service', 'documents-service'] as const;

function appOf(hop: Hop): string {
  const app = DOWNSTREAMS.find((d) => hop.to.toLowerCase().includes(d.replace('-service', '')));
  if (app === undefined) throw new Error(`hop to an unknown downstream: ${hop.to}`);
  return app;
}

/** Every hop of a trace, the second-hop children included. */
function flatten(hops: readonly Hop[]): Hop[] {
  return hops.flatMap((h) => [h, ...flatten(h.children ?? [])]);
}

describe('quotes and documents through the chain (every app its own process, real MSAL)', () => {
  let chain: Chain;
  let aliceSession: SignedIn;
  let umaSession: SignedIn;
  let alice: ApiClient;
  let bob: ApiClient;
  let uma: ApiClient;
  let programme: Programme;
  let document: StoredDocument;
  const seenHops: Hop[] = [];
  const content = Buffer.from(`policy schedule\n${randomBytes(2048).toString('hex')}\nénd ✓\n`, 'utf8');

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-documents' });
    aliceSession = await signIn(chain, 'alice');
    umaSession = await signIn(chain, 'uma');
    alice = new ApiClient(chain.url('bff'), aliceSession);
    bob = new ApiClient(chain.url('bff'), await signIn(chain, 'bob'));
    uma = new ApiClient(chain.url('bff'), umaSession);
    programme = (await listProgrammes(alice))[0] as Programme;
  });

  afterAll(() => chain?.stop());

  it('prices a programme in one BFF request: for the user to program-service and client credentials to pricing-service, with the token requests the mode needs', async () => {
    const submitted = await submittedProgramme(alice, 'Northwind quays 2027');
    await chain.admin.resetTokenRequests();
    const res = await uma.get<QuoteAnswer>(`/api/programmes/${submitted.id}/quote`);
    const counts = await chain.admin.tokenRequests();

    expect(res.status).toBe(200);
    expect(res.body.programme.id).toBe(submitted.id);
    expect(res.body.quote).toMatchObject({
      lineOfBusiness: submitted.lineOfBusiness,
      region: submitted.region,
      premium: expect.any(Number),
    });
    // uma's first request to the BFF, and the chain's first to pricing: on-behalf-of needs a token for uma
    // from the emulator; a verified delegation reuses the BFF's own program-service token (already cached
    // by alice's requests) and only signs a proof for uma. Never a jwt-bearer grant in B2C.
    const bff = chain.clientId('bff');
    expect(counts.byKey).toEqual({
      ...(DELEGATES ? {} : { [`on_behalf_of|${bff}|${chain.clientId('program-service')}`]: 1 }),
      [`client_credentials|${bff}|${chain.clientId('pricing-service')}`]: 1,
    });

    const { hops } = await traceOf(uma, res.headers.get('x-correlation-id'));
    seenHops.push(...flatten(hops));
    const program = hopTo(hops, 'program');
    expectUserHop(program, {
      oid: umaSession.claims['oid'],
      azp: bff,
      scope: 'Program.ReadWrite',
      status: 200,
    });
    expect(program.token.source).toBe(DELEGATES ? 'cache' : 'token-service');
    const pricing = hopTo(hops, 'pricing');
    expect(pricing).toMatchObject({
      flow: 'client-credentials',
      status: 200,
      token: { source: 'token-service' },
    });
    // An application permission: in `roles`, or in `scp` on B2C (which has no `roles` for apps).
    if (DELEGATES) expect(pricing.token.claims['scp']).toBe('Pricing.Read.All');
    else {
      expect(pricing.token.claims['roles']).toContain('Pricing.Read.All');
      expect(pricing.token.claims['scp']).toBeUndefined();
    }
    expect(pricing.token.claims['oid']).not.toBe(umaSession.claims['oid']);
    // Each downstream validated its token against its own audiences and answered this very request.
    const id = res.headers.get('x-correlation-id');
    expect(await requestsSeenBy(chain, 'program-service', id)).toEqual([
      { method: 'GET', url: `/programmes/${submitted.id}`, status: 200 },
    ]);
    expect((await requestsSeenBy(chain, 'pricing-service', id)).map((r) => r.status)).toEqual([200]);
  });

  it('prices it again from the token caches, without a request to the emulator', async () => {
    const submitted = await submittedProgramme(alice, 'Northwind quays 2027');
    await chain.admin.resetTokenRequests();
    const res = await uma.get<QuoteAnswer>(`/api/programmes/${submitted.id}/quote`);
    expect(res.status).toBe(200);
    expect((await chain.admin.tokenRequests()).total).toBe(0);
    const { hops } = await traceOf(uma, res.headers.get('x-correlation-id'));
    expect(hops.map((h) => h.token.source)).toEqual(['cache', 'cache']);
    expect(hops.map(appOf).sort()).toEqual(['pricing-service', 'program-service']);
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
    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    seenHops.push(...flatten(hops));
    const documents = hopTo(hops, 'documents');
    const oid = aliceSession.claims['oid'];
    expectUserHop(documents, { oid, azp: chain.clientId('bff'), scope: 'Documents.ReadWrite', status: 200 });
    const secondHop = hopTo(documents.children ?? [], 'program');
    expectUserHop(secondHop, {
      oid,
      azp: chain.clientId('documents-service'),
      scope: 'Program.Read',
      status: 200,
    });
    const id = res.headers.get('x-correlation-id');
    expect(await requestsSeenBy(chain, 'documents-service', id)).toEqual([
      { method: 'GET', url: `/programmes/${programme.id}/documents`, status: 200 },
    ]);
    expect(await requestsSeenBy(chain, 'program-service', id)).toEqual([
      { method: 'GET', url: `/programmes/${programme.id}`, status: 200 },
    ]);
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
    const listed = await alice.get<unknown>(`/api/programmes/${programme.id}/documents`);
    expect(JSON.stringify(listed.body)).toContain('"schedule.txt"');
    expect(JSON.stringify(listed.body)).not.toContain('"x.txt"');

    const documents = hopTo((await traceOf(bob, list.headers.get('x-correlation-id'))).hops, 'documents');
    expect(documents).toMatchObject({ flow: USER_FLOW, status: 404 });
    expect(hopTo(documents.children ?? [], 'program')).toMatchObject({ flow: USER_FLOW, status: 404 });
    expect(await requestsSeenBy(chain, 'program-service', list.headers.get('x-correlation-id'))).toEqual([
      { method: 'GET', url: `/programmes/${programme.id}`, status: 404 },
    ]);
  });

  it("gives each downstream a token for its own audience, never the BFF's", () => {
    expect(seenHops.map(appOf).sort()).toEqual([
      'documents-service',
      'pricing-service',
      'program-service',
      'program-service',
    ]);
    for (const hop of seenHops) {
      expect(audiencesOf(chain, appOf(hop))).toContain(hop.token.claims['aud']);
      expect(audiencesOf(chain, 'bff')).not.toContain(hop.token.claims['aud']);
    }
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

  it('never asked the emulator for a grant the mode does not have (B2C: no jwt-bearer at all)', async () => {
    const grants = new Set(
      Object.keys((await chain.admin.tokenRequests()).byKey).map((k) => k.split('|')[0] ?? k),
    );
    const exchanges = [...grants].filter((g) => g === 'on_behalf_of' || g.includes('jwt-bearer'));
    if (DELEGATES) expect(exchanges).toEqual([]);
    else expect(exchanges).toEqual([USER_GRANT]);
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toHaveLength(6);
    expect(scan.leaks).toEqual([]);
  });
});
