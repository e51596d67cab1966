import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ChainTrace } from '@chain/contracts';
import { JWT_PATTERN, type SignedIn } from '@chain/testing';

import { type BffChain, startBffChain } from './support/bff-chain.harness';

const NEW_PROGRAMME = {
  name: 'Northwind relay 2027',
  lineOfBusiness: 'marine',
  region: 'eu',
  insuredValue: 3_000_000,
  currency: 'EUR',
};

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

type Programme = { id: string; brokerage: string; ownerOid: string; status: string };

/**
 * The relay (docs/bff-relay.md) against real parts: program-service declared with
 * DOWNSTREAM_APIS__PROGRAM__RELAY=true, reached through /api/relay/program/… on behalf of users signed in
 * at the identity emulator; pricing-service (client credentials) is declared but not relayed.
 */
describe('bff relay (/api/relay/<name>/…) with the emulator and program-service', () => {
  let chain: BffChain;
  let alice: SignedIn;
  let bob: SignedIn;

  const call = async (
    session: SignedIn | undefined,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const { body } = options;
    const res = await fetch(`${chain.bffUrl}${path}`, {
      method,
      headers: {
        ...(session ? session.authorization() : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
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

  /** A request with its path sent byte for byte (fetch and URL would resolve `..` and `%2e%2e` first). */
  const rawGet = (
    session: SignedIn,
    path: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const url = new URL(chain.bffUrl);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path, method: 'GET', headers: session.authorization() },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
            });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });

  const programmesOf = (answer: Answer) => answer.body['programmes'] as Programme[];

  const traceOf = async (session: SignedIn, correlationId: string | null): Promise<ChainTrace> => {
    const res = await call(session, 'GET', '/api/chain');
    const trace = (res.body['traces'] as ChainTrace[]).find((t) => t.correlationId === correlationId);
    if (trace === undefined) throw new Error(`no trace ${String(correlationId)}`);
    return trace;
  };

  let notes: Server;

  beforeAll(async () => {
    // A downstream the BFF has no code for (MY_NOTES, as a chain.yaml entry with relay: true would declare
    // it): it echoes what it received, answers with a Location and headers of its own, or never answers.
    notes = createServer((req, res) => {
      if (req.url?.startsWith('/v1/notes/hang')) return;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const [, payload] = (req.headers.authorization ?? '').split('.');
        res.writeHead(201, {
          'content-type': 'application/vnd.notes+json',
          etag: '"n7"',
          location: `http://${req.headers.host}/v1/notes/7`,
          'set-cookie': 'internal=1',
          'x-internal': 'yes',
        });
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            aud: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8') || '{}').aud,
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
    });
    await new Promise<void>((ok) => notes.listen(0, '127.0.0.1', ok));
    const { port } = notes.address() as AddressInfo;
    chain = await startBffChain({
      CHAIN_TRACE: 'true',
      DOWNSTREAM_APIS__PROGRAM__RELAY: 'true',
      DOWNSTREAM_APIS__MY_NOTES__BASE_URL: `http://127.0.0.1:${port}/v1`,
      DOWNSTREAM_APIS__MY_NOTES__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__MY_NOTES__SCOPES: 'api://program-service/Program.ReadWrite',
      DOWNSTREAM_APIS__MY_NOTES__TIMEOUT_MS: '500',
      DOWNSTREAM_APIS__MY_NOTES__RELAY: 'true',
    });
    alice = await chain.signIn('alice');
    bob = await chain.signIn('bob');
  });

  afterAll(async () => {
    await chain?.close();
    notes?.closeAllConnections();
    await new Promise((ok) => notes?.close(ok));
  });

  it("answers each user what program-service gives that user: alice her brokerage's programmes, bob his", async () => {
    for (const [user, brokerage] of [
      [alice, 'Northwind'],
      [bob, 'Fabrikam'],
    ] as const) {
      const relayed = await call(user, 'GET', '/api/relay/program/programmes');
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('content-type')).toMatch(/^application\/json/);
      const own = await call(user, 'GET', '/api/programmes');
      expect(programmesOf(relayed)).toEqual(programmesOf(own));
      expect(programmesOf(relayed).length).toBeGreaterThan(0);
      expect(new Set(programmesOf(relayed).map((p) => p.brokerage))).toEqual(new Set([brokerage]));
    }
  });

  it('calls program-service on behalf of the user with a token of its own audience, never the caller’s', async () => {
    const res = await call(alice, 'GET', '/api/relay/program/programmes?status=draft');
    expect(res.status).toBe(200);
    expect(programmesOf(res).every((p) => p.status === 'draft')).toBe(true);
    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    expect(hops.map((h) => [h.to, h.flow, h.method, h.path, h.status])).toEqual([
      ['PROGRAM', 'on-behalf-of', 'GET', '/programmes', 200],
    ]);
    const token = hops[0]!.token;
    expect(['api://program-service', chain.clientId('program-service')]).toContain(token.claims['aud']);
    expect(token.claims).toMatchObject({ oid: alice.claims['oid'], azp: chain.clientId('bff') });
    expect(token.claims['aud']).not.toBe(alice.claims['aud']);
  });

  it('creates with a JSON POST: status and body relayed, the Idempotency-Key carried to program-service', async () => {
    const headers = { 'idempotency-key': `relay-${Date.now()}` };
    const created = await call(alice, 'POST', '/api/relay/program/programmes', {
      body: NEW_PROGRAMME,
      headers,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...NEW_PROGRAMME, ownerOid: alice.claims['oid'], status: 'draft' });
    const again = await call(alice, 'POST', '/api/relay/program/programmes', {
      body: NEW_PROGRAMME,
      headers,
    });
    expect([again.status, again.body['id']]).toEqual([201, created.body['id']]);

    const read = await call(alice, 'GET', `/api/relay/program/programmes/${String(created.body['id'])}`);
    expect([read.status, read.body['id']]).toEqual([200, created.body['id']]);
    const changed = await call(
      alice,
      'PATCH',
      `/api/relay/program/programmes/${String(created.body['id'])}`,
      {
        body: { name: 'Northwind relay 2027 (renamed)' },
      },
    );
    expect([changed.status, changed.body['name']]).toEqual([200, 'Northwind relay 2027 (renamed)']);
  });

  it("relays program-service's 400, 404 and 403 as the BFF's problems, with their codes", async () => {
    const bad = await call(alice, 'POST', '/api/relay/program/programmes', {
      body: { ...NEW_PROGRAMME, region: 'mars' },
    });
    expect([bad.status, bad.body['code']]).toEqual([400, 'validation_failed']);

    const northwind = programmesOf(await call(alice, 'GET', '/api/relay/program/programmes'))[0]!;
    const hidden = await call(bob, 'GET', `/api/relay/program/programmes/${northwind.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(hidden.body).toMatchObject({ status: 404, code: 'not_found', downstream: 'PROGRAM' });
    expect(hidden.body['correlationId']).toBe(hidden.headers.get('x-correlation-id'));

    const submitted = await call(alice, 'POST', '/api/relay/program/programmes', {
      body: { ...NEW_PROGRAMME, name: 'Northwind relay piers' },
    });
    const id = String(submitted.body['id']);
    expect((await call(alice, 'POST', `/api/relay/program/programmes/${id}/submit`)).status).toBe(200);
    const uma = await chain.signIn('uma');
    const notOwner = await call(uma, 'PATCH', `/api/relay/program/programmes/${id}`, { body: { name: 'x' } });
    expect([notOwner.status, notOwner.body['code']]).toEqual([403, 'not_owner']);
    expect(notOwner.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 404 alike for an unknown name and for a downstream not relayed (pricing-service)', async () => {
    const unknown = await call(alice, 'GET', '/api/relay/nope/quotes');
    const pricing = await call(alice, 'POST', '/api/relay/pricing/quotes', {
      body: { lineOfBusiness: 'marine', region: 'eu', insuredValue: 1 },
    });
    const documents = await call(alice, 'GET', '/api/relay/documents/programmes/x/documents');
    const strip = ({ correlationId: _c, instance: _i, ...rest }: Record<string, unknown>) => rest;
    for (const res of [unknown, pricing, documents]) {
      expect([res.status, res.body['code']]).toEqual([404, 'not_found']);
      expect(strip(res.body)).toEqual(strip(unknown.body));
    }
    expect(JSON.stringify([unknown.body, pricing.body])).not.toMatch(/pricing|PRICING|program/i);
    const { hops } = await traceOf(alice, pricing.headers.get('x-correlation-id'));
    expect(hops).toEqual([]);
    expect((await call(undefined, 'GET', '/api/relay/program/programmes')).status).toBe(401);
  });

  it('refuses with 400 a path that could leave the base path, and a body that is not JSON with 415', async () => {
    for (const path of [
      '/api/relay/program/../health/live',
      '/api/relay/program/programmes/../../health/live',
      '/api/relay/program/%2e%2e/health/live',
      '/api/relay/program/%2E%2e/health/live',
      '/api/relay/program//127.0.0.1/programmes',
      '/api/relay/program/programmes%2f..%2f..%2fhealth',
    ]) {
      const res = await rawGet(alice, path);
      expect([path, res.status, res.body['code']]).toEqual([path, 400, 'validation_failed']);
      expect(res.body['detail']).toMatch(/^The relayed path must be plain segments/);
    }
    const text = await call(alice, 'POST', '/api/relay/program/programmes', {
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect([text.status, text.body['code']]).toEqual([415, 'unsupported_media_type']);
  });

  it('applies the JSON body limit of every route (413)', async () => {
    const huge = { ...NEW_PROGRAMME, name: 'x'.repeat(200 * 1024) };
    const res = await call(alice, 'POST', '/api/relay/program/programmes', { body: huge });
    expect([res.status, res.body['code']]).toEqual([413, 'payload_too_large']);
  });

  it('relays a downstream declared only in the environment: listed headers in, status, content-type, etag and a rewritten Location out', async () => {
    const res = await call(alice, 'POST', '/api/relay/my-notes/notes?tag=a%20b', {
      body: { text: 'hello' },
      headers: {
        accept: 'application/vnd.notes+json',
        'if-match': '"n6"',
        'idempotency-key': 'note-1',
        cookie: 'session=secret',
        'x-custom': 'not forwarded',
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/vnd.notes+json');
    expect(res.headers.get('etag')).toBe('"n7"');
    expect(res.headers.get('location')).toBe('/api/relay/my-notes/notes/7');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-internal')).toBeNull();
    const echoed = JSON.parse(res.text) as {
      method: string;
      url: string;
      aud: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed).toMatchObject({ method: 'POST', url: '/v1/notes?tag=a%20b', body: '{"text":"hello"}' });
    expect(['api://program-service', chain.clientId('program-service')]).toContain(echoed.aud);
    expect(echoed.headers).toMatchObject({
      accept: 'application/vnd.notes+json',
      'if-match': '"n6"',
      'idempotency-key': '"note-1"',
      'content-type': 'application/json',
      'x-correlation-id': res.headers.get('x-correlation-id'),
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
    });
    expect(echoed.headers['authorization']).not.toContain(alice.accessToken);
    expect(echoed.headers['cookie']).toBeUndefined();
    expect(echoed.headers['x-custom']).toBeUndefined();
  });

  it('answers 504 downstream_timeout when the relayed downstream does not answer in time', async () => {
    const res = await call(alice, 'GET', '/api/relay/my-notes/notes/hang');
    expect([res.status, res.body['code']]).toEqual([504, 'downstream_timeout']);
    expect(res.headers.get('retry-after')).not.toBeNull();
  });

  it('logs no token', () => {
    const logs = chain.bffLogs();
    expect(logs).toContain('/api/relay/program/programmes');
    expect(logs).not.toMatch(JWT_PATTERN);
    for (const user of [alice, bob]) expect(logs).not.toContain(user.accessToken);
  });
});
