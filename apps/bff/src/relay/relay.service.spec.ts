import { Readable } from 'node:stream';

import { FakeDownstreamClient, readAll, userPrincipal } from '../common/downstream-test.fakes';
import { type BffEnv, parseBffEnv } from '../config/bff.config';
import { type RelayRequest, RelayService } from './relay.service';

const ENV = {
  AUTH_ISSUERS: 'https://login.test/tid/v2.0',
  AUTH_JWKS_URI: 'https://login.test/tid/discovery/v2.0/keys',
  AUTH_AUDIENCES: 'bff-client-id,api://bff',
  AUTH_AUTHORITY: 'https://login.test/tid',
  AUTH_CLIENT_ID: 'bff-client-id',
  AUTH_CLIENT_SECRET: 'not-a-real-secret',
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
  DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
  DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: 'http://127.0.0.1:3003',
  DOWNSTREAM_APIS__DOCUMENTS__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__DOCUMENTS__SCOPES: 'api://documents-service/Documents.ReadWrite',
  DOWNSTREAM_APIS__PRICING__BASE_URL: 'http://127.0.0.1:3002',
  DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
  DOWNSTREAM_APIS__PRICING__SCOPES: 'api://pricing-service/.default',
  DOWNSTREAM_APIS__MY_NOTES__BASE_URL: 'http://notes.internal:3004/v1',
  DOWNSTREAM_APIS__MY_NOTES__FLOW: 'on-behalf-of',
  DOWNSTREAM_APIS__MY_NOTES__SCOPES: 'api://notes-service/Notes.ReadWrite',
  DOWNSTREAM_APIS__MY_NOTES__RELAY: 'true',
};

const request = (overrides: Partial<RelayRequest> = {}): RelayRequest => ({
  method: 'GET',
  name: 'my-notes',
  originalUrl: '/api/relay/my-notes/items?status=open',
  headers: {},
  body: {},
  ...overrides,
});

describe('RelayService', () => {
  const alice = userPrincipal('oid-alice');
  let downstreams: FakeDownstreamClient;
  let service: RelayService;

  beforeEach(() => {
    downstreams = new FakeDownstreamClient(async () => ({
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"v1"', 'set-cookie': 'a=b', server: 'x' },
      data: Readable.from([Buffer.from('{"items":[]}')]),
    }));
    service = new RelayService(downstreams.asClient(), parseBffEnv(ENV));
  });

  it('calls the downstream of the route name on behalf of the user, with the path and query string', async () => {
    const answer = await service.relay(alice, request());
    expect(downstreams.calls).toEqual([
      expect.objectContaining({
        downstream: 'MY_NOTES',
        as: 'user:oid-alice',
        method: 'GET',
        path: '/items?status=open',
        body: undefined,
      }),
    ]);
    expect(answer.status).toBe(200);
    expect((await readAll(answer.body!)).toString()).toBe('{"items":[]}');
  });

  it('relays content-type and etag, and no other header of the answer', async () => {
    const answer = await service.relay(alice, request());
    expect(answer.headers).toEqual({ 'content-type': 'application/json', etag: '"v1"' });
  });

  it('forwards accept, if-match, if-none-match and idempotency-key, never authorization or cookies', async () => {
    await service.relay(
      alice,
      request({
        method: 'PUT',
        headers: {
          accept: 'application/json',
          'if-match': '"v1"',
          'if-none-match': '*',
          'idempotency-key': 'key-1',
          authorization: 'Bearer the-callers-token',
          cookie: 'session=1',
          'x-forwarded-for': '10.0.0.1',
          'content-type': 'application/json; charset=utf-8',
          'content-length': '13',
        },
        body: { text: 'hello' },
      }),
    );
    const [call] = downstreams.calls;
    expect(call!.options.headers).toEqual({
      accept: 'application/json',
      'if-match': '"v1"',
      'if-none-match': '*',
      'idempotency-key': '"key-1"',
      'content-type': 'application/json',
    });
    expect(call!.method).toBe('PUT');
    expect(JSON.parse((call!.body as Buffer).toString('utf8'))).toEqual({ text: 'hello' });
  });

  it('refuses a body that is not JSON with 415, before any call', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      await expect(
        service.relay(
          alice,
          request({
            method: 'POST',
            headers: { 'content-length': '5', ...(contentType ? { 'content-type': contentType } : {}) },
          }),
        ),
      ).rejects.toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    await expect(
      service.relay(alice, request({ method: 'POST', headers: { 'transfer-encoding': 'chunked' } })),
    ).rejects.toMatchObject({ status: 415 });
    expect(downstreams.calls).toEqual([]);
  });

  it('sends no body when the request has none', async () => {
    await service.relay(alice, request({ method: 'POST', headers: { 'content-length': '0' } }));
    expect(downstreams.calls[0]!.body).toBeUndefined();
    expect(downstreams.calls[0]!.options.headers).toEqual({});
  });

  it('answers 404 for an unknown name and for a declared downstream without RELAY, alike', async () => {
    const unknown = service.relay(alice, request({ name: 'nope', originalUrl: '/api/relay/nope/x' }));
    const declared = service.relay(alice, request({ name: 'program', originalUrl: '/api/relay/program/x' }));
    const errors = await Promise.all([unknown, declared].map((p) => p.catch((e: unknown) => e)));
    expect(errors[0]).toMatchObject({ status: 404, code: 'not_found' });
    expect(errors[1]).toEqual(errors[0]);
    expect((errors[0] as Error).message).toBe((errors[1] as Error).message);
    expect(downstreams.calls).toEqual([]);
  });

  it('refuses traversal with 400 before any call', async () => {
    await expect(
      service.relay(alice, request({ originalUrl: '/api/relay/my-notes/%2e%2e/admin' })),
    ).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    expect(downstreams.calls).toEqual([]);
  });

  it('rewrites a Location under the base URL to the relay route and drops any other', async () => {
    downstreams.answer(async () => ({
      status: 201,
      headers: { location: '/v1/items/7' },
      data: Readable.from([]),
    }));
    const created = await service.relay(alice, request({ method: 'POST' }));
    expect(created.headers).toEqual({ location: '/api/relay/my-notes/items/7' });
    downstreams.answer(async () => ({
      status: 201,
      headers: { location: 'http://other.internal/items/7' },
      data: Readable.from([]),
    }));
    expect((await service.relay(alice, request({ method: 'POST' }))).headers).toEqual({});
  });

  it('sends no body with 204 and 304', async () => {
    for (const status of [204, 304]) {
      const data = Readable.from([Buffer.from('x')]);
      downstreams.answer(async () => ({ status, headers: { etag: '"v2"' }, data }));
      const answer = await service.relay(alice, request());
      expect([answer.status, answer.body, answer.headers]).toEqual([status, undefined, { etag: '"v2"' }]);
      expect(data.destroyed).toBe(true);
    }
  });

  it('will not start with a client-credentials downstream in the relayed set', () => {
    const env = parseBffEnv(ENV);
    const handMade: BffEnv = { ...env, relayed: new Set(['PRICING']) };
    expect(() => new RelayService(downstreams.asClient(), handMade)).toThrow(/client-credentials/);
  });
});
