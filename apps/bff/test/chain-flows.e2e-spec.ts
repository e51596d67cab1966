import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ChainTrace, HopRecord } from '@chain/contracts';
import { JWT_PATTERN, type SignedIn } from '@chain/testing';

import { type BffChain, startBffChain } from './support/bff-chain.harness';

const STEP_UP_CLAIMS = { access_token: { acrs: { essential: true, value: 'c1' } } };
const NEW_PROGRAMME = {
  name: 'Northwind fleet 2027',
  lineOfBusiness: 'marine',
  region: 'eu',
  insuredValue: 4_000_000,
  currency: 'EUR',
};

type Hop = HopRecord;
type Trace = ChainTrace;

/** The bytes the documents stand-in serves for any download. */
const DOCUMENT_BYTES = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));

function echoDocuments(req: IncomingMessage, res: ServerResponse): void {
  const claims = JSON.parse(
    Buffer.from((req.headers.authorization ?? '').split('.')[1] ?? '', 'base64url').toString('utf8') || '{}',
  ) as Record<string, unknown>;
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': DOCUMENT_BYTES.length });
    res.end(DOCUMENT_BYTES);
    return;
  }
  const hash = createHash('sha256');
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  req.on('end', () => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        size,
        sha256: hash.digest('hex'),
        contentType: req.headers['content-type'],
        aud: claims['aud'],
      }),
    );
  });
}

/** The parameters of a `WWW-Authenticate: Bearer …` header (quoted-string aware). */
function bearerParams(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/gi)) {
    params[m[1]!.toLowerCase()] = m[2]!.replace(/\\(.)/g, '$1');
  }
  return params;
}

/*
 * The BFF against real parts: the identity emulator (HTTPS), real msal-node in the BFF's TokenBroker,
 * program-service and pricing-service from their own AppModules, users signed in through the login form.
 */
describe('bff with the emulator, program-service and pricing-service', () => {
  let chain: BffChain;
  let alice: SignedIn;

  const call = async (session: SignedIn | undefined, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${chain.bffUrl}${path}`, {
      method,
      headers: {
        ...(session ? session.authorization() : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '') && text.length > 0;
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: (json ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };

  const traceOf = async (session: SignedIn, correlationId: string | null): Promise<Trace> => {
    const res = await call(session, 'GET', '/api/chain');
    expect(res.status).toBe(200);
    const trace = (res.body['traces'] as Trace[]).find((t) => t.correlationId === correlationId);
    if (trace === undefined) throw new Error(`no trace ${String(correlationId)}`);
    return trace;
  };

  let faultyDocuments: Server;

  beforeAll(async () => {
    // A documents-service stand-in (the real one is in test/chain): for programme "echo" it reports what it
    // received and serves fixed bytes; for "hang" it never answers; otherwise it drops the connection.
    faultyDocuments = createServer((req, res) => {
      if (req.url?.includes('/echo/')) return echoDocuments(req, res);
      if (!req.url?.includes('/hang/')) req.socket.destroy();
    });
    await new Promise<void>((ok) => faultyDocuments.listen(0, '127.0.0.1', ok));
    const { port } = faultyDocuments.address() as AddressInfo;
    chain = await startBffChain({
      CHAIN_TRACE: 'true',
      DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: `http://127.0.0.1:${port}`,
      DOWNSTREAM_APIS__DOCUMENTS__TIMEOUT_MS: '500',
    });
    alice = await chain.signIn('alice');
  });

  afterAll(async () => {
    await chain?.close();
    faultyDocuments?.closeAllConnections();
    await new Promise((ok) => faultyDocuments?.close(ok));
  });

  it('tells alice who she is from her token alone', async () => {
    const res = await call(alice, 'GET', '/api/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ oid: alice.claims['oid'], scopes: ['access_as_user'] });
    expect(res.text).not.toMatch(JWT_PATTERN);
  });

  it('lists the programmes of her brokerage and creates one she owns, on her behalf', async () => {
    const before = await call(alice, 'GET', '/api/programmes');
    expect(before.status).toBe(200);
    const programmes = before.body['programmes'] as { brokerage: string; id: string }[];
    expect(programmes.length).toBeGreaterThan(0);
    expect(new Set(programmes.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));

    const created = await call(alice, 'POST', '/api/programmes', NEW_PROGRAMME);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...NEW_PROGRAMME, ownerOid: alice.claims['oid'], status: 'draft' });
    const after = await call(alice, 'GET', '/api/programmes');
    expect((after.body['programmes'] as { id: string }[]).map((p) => p.id)).toContain(created.body['id']);
  });

  it('refuses a bad programme at the edge with 400 validation_failed', async () => {
    const res = await call(alice, 'POST', '/api/programmes', { ...NEW_PROGRAMME, region: 'mars' });
    expect(res.status).toBe(400);
    expect(res.body['code']).toBe('validation_failed');
  });

  it('quotes a programme in one request: on-behalf-of to program-service, client credentials to pricing-service', async () => {
    const programme = (
      (await call(alice, 'GET', '/api/programmes')).body['programmes'] as Record<string, unknown>[]
    )[0]!;
    await chain.admin.resetTokenRequests();
    const res = await call(alice, 'GET', `/api/programmes/${String(programme['id'])}/quote`);
    expect(res.status).toBe(200);
    expect(res.body['programme']).toMatchObject({ id: programme['id'] });
    expect(res.body['quote']).toMatchObject({
      lineOfBusiness: programme['lineOfBusiness'],
      region: programme['region'],
      insuredValue: programme['insuredValue'],
      premium: expect.any(Number),
    });

    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    expect(hops.map((h) => [h.to, h.flow, h.method, h.status])).toEqual([
      ['PROGRAM', 'on-behalf-of', 'GET', 200],
      ['PRICING', 'client-credentials', 'POST', 200],
    ]);
    const [program, pricing] = hops as [Hop, Hop];
    expect(['api://program-service', chain.clientId('program-service')]).toContain(
      program.token.claims['aud'],
    );
    expect(String(program.token.claims['scp']).split(' ')).toContain('Program.ReadWrite');
    expect(program.token.claims).toMatchObject({ oid: alice.claims['oid'], azp: chain.clientId('bff') });
    expect(['api://pricing-service', chain.clientId('pricing-service')]).toContain(
      pricing.token.claims['aud'],
    );
    expect(pricing.token.claims['roles']).toContain('Pricing.Read.All');
    expect(pricing.token.claims['scp']).toBeUndefined();
    expect(pricing.token.claims['azp']).toBe(chain.clientId('bff'));

    // The token service saw the BFF ask for client credentials for pricing-service (program was cached).
    const counts = await chain.admin.tokenRequests();
    const bff = chain.clientId('bff');
    expect(counts.byKey[`client_credentials|${bff}|${chain.clientId('pricing-service')}`]).toBe(1);
  });

  it('never forwards the SPA token: each downstream got its own audience, and a second call is served from cache', async () => {
    await chain.admin.resetTokenRequests();
    const res = await call(alice, 'GET', '/api/programmes');
    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    expect(hops[0]!.token.source).toBe('cache');
    expect(hops[0]!.token.claims['aud']).not.toBe(alice.claims['aud']);
    expect((await chain.admin.tokenRequests()).total).toBe(0);
  });

  it("relays program-service's claims challenge on approve to the SPA, then approves with a multi-factor token", async () => {
    const created = await call(alice, 'POST', '/api/programmes', {
      ...NEW_PROGRAMME,
      name: 'Northwind terminals 2027',
    });
    const id = String(created.body['id']);
    expect((await call(alice, 'POST', `/api/programmes/${id}/submit`)).status).toBe(200);
    const uma = await chain.signIn('uma');

    const refused = await call(uma, 'POST', `/api/programmes/${id}/approve`);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'claims_challenge' });
    const challenge = bearerParams(refused.headers.get('www-authenticate'));
    expect(challenge['error']).toBe('insufficient_claims');
    const claims = Buffer.from(challenge['claims'] ?? '', 'base64').toString('utf8');
    expect(JSON.parse(claims)).toEqual(STEP_UP_CLAIMS);
    // The refused request is in uma's trace (its hop is not: libs/auth records none when the claims retry
    // fails at the token service — reported to the broker's owner).
    expect(await traceOf(uma, refused.headers.get('x-correlation-id'))).toMatchObject({ status: 401 });

    const stepped = await chain.signIn('uma', { claims });
    expect(stepped.claims['acrs']).toContain('c1');
    const approved = await call(stepped, 'POST', `/api/programmes/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'approved', approvedBy: stepped.claims['oid'] });
  });

  it("passes program-service's refusals through with their status and code", async () => {
    const bob = await chain.signIn('bob');
    const northwind = (
      (await call(alice, 'GET', '/api/programmes')).body['programmes'] as { id: string }[]
    )[0]!;
    const hidden = await call(bob, 'GET', `/api/programmes/${northwind.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toMatchObject({ code: 'not_found' });
    const quote = await call(bob, 'GET', `/api/programmes/${northwind.id}/quote`);
    expect(quote.status).toBe(404);
    const { hops } = await traceOf(bob, quote.headers.get('x-correlation-id'));
    expect(hops.map((h) => h.to)).toEqual(['PROGRAM']);

    const submitted = await call(alice, 'POST', '/api/programmes', {
      ...NEW_PROGRAMME,
      name: 'Northwind piers 2027',
    });
    const id = String(submitted.body['id']);
    await call(alice, 'POST', `/api/programmes/${id}/submit`);
    const notOwner = await call(await chain.signIn('uma'), 'PATCH', `/api/programmes/${id}`, { name: 'x' });
    expect([notOwner.status, notOwner.body['code']]).toEqual([403, 'not_owner']);
    const notDraft = await call(alice, 'PATCH', `/api/programmes/${id}`, { name: 'renamed' });
    expect([notDraft.status, notDraft.body['code']]).toEqual([409, 'conflict']);
  });

  it("shows the caller's own traces on /api/chain with hops and decoded claims, and never a raw token", async () => {
    const res = await call(alice, 'GET', '/api/chain');
    expect(res.status).toBe(200);
    const traces = res.body['traces'] as Trace[];
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.length).toBeLessThanOrEqual(20);
    expect(traces[0]).toEqual({
      correlationId: expect.any(String),
      method: expect.any(String),
      path: expect.stringMatching(/^\/api\//),
      status: expect.any(Number),
      startedAt: expect.any(String),
      durationMs: expect.any(Number),
      hops: expect.any(Array),
    });
    expect(traces.some((t) => t.hops.some((h) => h.children !== undefined))).toBe(true);
    expect(res.text).not.toMatch(JWT_PATTERN);
    expect(res.text).not.toContain(alice.accessToken);
    const bobsView = await call(await chain.signIn('bob'), 'GET', '/api/chain');
    expect(JSON.stringify(bobsView.body)).not.toContain(String(alice.claims['oid']));
  });

  it('streams an upload to documents-service and a download back, with an on-behalf-of token for documents-service', async () => {
    const form = new FormData();
    const file = Buffer.from(`policy schedule\n${'x'.repeat(200_000)}\nénd ✓\n`, 'utf8');
    form.append('file', new Blob([new Uint8Array(file)], { type: 'text/plain' }), 'schedule.txt');
    const request = new Request(`${chain.bffUrl}/api/programmes/echo/documents`, {
      method: 'POST',
      body: form,
    });
    const sent = Buffer.from(await request.clone().arrayBuffer());
    const uploaded = await fetch(request, {
      headers: { ...alice.authorization(), 'content-type': request.headers.get('content-type')! },
    });
    const body = (await uploaded.json()) as Record<string, unknown>;
    expect(uploaded.status).toBe(201);
    expect(body).toEqual({
      size: sent.length,
      sha256: createHash('sha256').update(sent).digest('hex'),
      contentType: request.headers.get('content-type'),
      aud: expect.stringMatching(/documents-service|^[0-9a-f-]{36}$/),
    });
    expect(body['aud']).not.toBe(alice.claims['aud']);

    const downloaded = await fetch(`${chain.bffUrl}/api/programmes/echo/documents/doc-1`, {
      headers: alice.authorization(),
    });
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(DOCUMENT_BYTES)).toBe(true);
    expect(downloaded.headers.get('content-type')).toBe('application/pdf');
  });

  it('answers 502 when a downstream drops the connection and 504 when it does not answer in time', async () => {
    const dropped = await call(alice, 'GET', '/api/programmes/reset/documents');
    expect([dropped.status, dropped.body['code']]).toEqual([502, 'downstream_unreachable']);
    const hung = await call(alice, 'GET', '/api/programmes/hang/documents');
    expect([hung.status, hung.body['code']]).toEqual([504, 'downstream_timeout']);
  });

  it('answers readiness with the JWKS reachable', async () => {
    const res = await call(undefined, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body['info']).toMatchObject({
      jwks: { status: 'up' },
      tokenCache: { status: 'up', shared: false },
    });
  });

  it('answers 503 with Retry-After when the token service is down, and recovers after', async () => {
    const carol = await chain.signIn('bob'); // a new session: its on-behalf-of token is not cached yet
    await chain.admin.injectFault({
      match: { clientId: chain.clientId('bff') },
      status: 503,
      retryAfterSeconds: 1,
    });
    let retryAfter = 1;
    try {
      const res = await call(carol, 'GET', '/api/programmes?status=submitted');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'token_service_unavailable' });
      retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
    } finally {
      await chain.admin.clearFaults();
    }
    // The broker remembers the token service's Retry-After for its authority: ask again once it has passed.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1_000 + 100));
    expect((await call(carol, 'GET', '/api/programmes?status=submitted')).status).toBe(200);
  });

  it('wrote no JWT and no client secret to its logs', () => {
    const logs = chain.bffLogs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toMatch(JWT_PATTERN);
    expect(logs).not.toContain('bff-local-secret');
  });
});
