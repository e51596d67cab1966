import { Readable } from 'node:stream';

import type { HopRecord } from '@chain/contracts';
import type { HttpService } from '@nestjs/axios';
import type { AxiosRequestConfig } from 'axios';

import { RequestContext } from '../context';
import { Deadline } from '../context/request-deadline';
import { fakeJwt } from '../testing/broker.fakes';
import { TokenBrokerError } from '../token-broker/token-broker.errors';
import type { DownstreamFlow } from '../token-broker/token-broker.options';
import type { AcquireOptions, BrokeredToken } from '../token-broker/token-broker.service';
import { DownstreamApi } from './downstream-api';

/** The `x-chain-trace` encoding (base64url JSON), as @chain/platform's interceptor writes it. */
const encodeChainTrace = (hops: readonly HopRecord[]): string =>
  Buffer.from(JSON.stringify(hops), 'utf8').toString('base64url');

type Reply =
  { status: number; headers?: Record<string, string>; data?: unknown } | { error: { code: string } };

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const INCOMING = fakeJwt({ oid: 'alice', aud: 'api://bff' });

function harness(
  replies: Reply[],
  tokenFn?: (o: AcquireOptions) => Promise<BrokeredToken>,
  flow: DownstreamFlow = 'on-behalf-of',
) {
  const sent: AxiosRequestConfig[] = [];
  const tokenCalls: AcquireOptions[] = [];
  const http = {
    axiosRef: {
      request: async (config: AxiosRequestConfig) => {
        sent.push(config);
        const reply = replies.shift() ?? { status: 200, data: {} };
        if ('error' in reply) throw Object.assign(new Error('transport'), reply.error, { config });
        return {
          status: reply.status,
          headers: reply.headers ?? {},
          data: reply.data,
          config,
          statusText: '',
        };
      },
    },
  } as unknown as HttpService;
  const token = async (options: AcquireOptions): Promise<BrokeredToken> => {
    tokenCalls.push(options);
    if (tokenFn) return tokenFn(options);
    const n = tokenCalls.length;
    return {
      accessToken: fakeJwt({ oid: 'alice', aud: 'api://program-service', scp: 'Program.ReadWrite', n }),
      expiresOnMs: Date.now() + 3_600_000,
      flow: 'on-behalf-of',
      source: n === 1 ? 'cache' : 'token-service',
      acquireMs: 1,
    };
  };
  const api = new DownstreamApi({
    name: 'PROGRAM',
    from: 'bff',
    declaration: {
      baseUrl: 'http://program.test/api',
      flow,
      scopes: ['api://program-service/Program.ReadWrite'],
      timeoutMs: 1234,
    },
    flow,
    http,
    token,
  });
  return { api, sent, tokenCalls };
}

async function inContext<T>(
  fn: (hops: HopRecord[]) => Promise<T>,
  traceparent?: string,
): Promise<{ result: T; hops: HopRecord[] }> {
  const hops: HopRecord[] = [];
  const result = await RequestContext.run({ correlationId: 'corr-1', traceparent, hops }, () => fn(hops));
  return { result, hops };
}

async function rejection(promise: Promise<unknown>): Promise<TokenBrokerError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TokenBrokerError))
    throw new Error(`expected TokenBrokerError, got ${String(error)}`);
  return error;
}

describe('DownstreamApi', () => {
  it('sends the downstream token, the correlation id and a child traceparent under the base URL, with the declared timeout', async () => {
    const { api, sent } = harness([{ status: 200, data: { ok: true } }]);
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { result } = await inContext(
      () => api.get<{ ok: boolean }>('/programmes/1', { query: { q: 'x' } }),
      parent,
    );
    expect(result).toMatchObject({ status: 200, data: { ok: true } });
    const config = sent[0]!;
    expect(config.url).toBe('http://program.test/api/programmes/1');
    expect(config.params).toEqual({ q: 'x' });
    expect(config.timeout).toBe(1234);
    const headers = config.headers as Record<string, string>;
    expect(headers['authorization']).toMatch(/^Bearer /);
    expect(headers['x-correlation-id']).toBe('corr-1');
    expect(headers['traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(headers['traceparent']).not.toContain('b7ad6b7169203331');
  });

  it('never forwards a caller-supplied Authorization header', async () => {
    const { api, sent } = harness([{ status: 201, data: {} }]);
    await api.post(
      '/programmes',
      { name: 'x' },
      { headers: { Authorization: `Bearer ${INCOMING}`, 'x-extra': '1' } },
    );
    const headers = sent[0]!.headers as Record<string, string>;
    expect(JSON.stringify(headers)).not.toContain(INCOMING);
    expect(headers['x-extra']).toBe('1');
  });

  it('refuses a path that would leave the base URL', async () => {
    const { api, sent } = harness([]);
    for (const path of ['http://evil.test/x', '//evil.test/x', '/../../admin', 'relative']) {
      await expect(rejection(api.get(path))).resolves.toMatchObject({
        code: 'validation_failed',
        status: 400,
      });
    }
    expect(sent).toHaveLength(0);
  });

  it('records a hop with the decoded claims of the sent token and the callee’s own hops', async () => {
    const child: HopRecord = {
      from: 'program',
      to: 'AUDIT',
      flow: 'client-credentials',
      method: 'GET',
      path: '/a',
      status: 200,
      durationMs: 1,
      token: { source: 'cache', acquireMs: 0, claims: { aud: 'x' } },
    };
    const { api } = harness([
      { status: 200, headers: { 'x-chain-trace': encodeChainTrace([child]) }, data: {} },
    ]);
    const { hops } = await inContext(() => api.patch('/programmes/1?x=1', {}));
    expect(hops).toHaveLength(1);
    expect(hops[0]).toMatchObject({
      from: 'bff',
      to: 'PROGRAM',
      flow: 'on-behalf-of',
      method: 'PATCH',
      path: '/programmes/1',
      status: 200,
      token: {
        source: 'cache',
        claims: { oid: 'alice', aud: 'api://program-service', scp: 'Program.ReadWrite' },
      },
      children: [child],
    });
    expect(JSON.stringify(hops)).not.toContain('eyJ');
  });

  it('records no hop (and decodes no token) for a request whose hops nobody asked for', async () => {
    const { api } = harness([
      { status: 200, data: {} },
      { status: 200, data: {} },
    ]);
    const context = { correlationId: 'corr-2' };
    await RequestContext.run(context, () => api.get('/programmes/1'));
    expect(context).toEqual({ correlationId: 'corr-2' });
    const recorded = await RequestContext.run({ correlationId: 'corr-3' }, async () => {
      const hops = RequestContext.recordHops();
      expect(RequestContext.recordHops()).toBe(hops); // idempotent: one list per request
      await api.get('/programmes/1');
      return hops;
    });
    expect(recorded).toHaveLength(1); // once asked for, the same call is recorded
  });

  it('re-acquires once with the claims of an insufficient_claims challenge and retries', async () => {
    const challenge = `Bearer error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`;
    const { api, sent, tokenCalls } = harness([
      { status: 401, headers: { 'www-authenticate': challenge } },
      { status: 200, data: { approved: true } },
    ]);
    const response = await api.post('/programmes/1/approve');
    expect(response.data).toEqual({ approved: true });
    expect(tokenCalls).toEqual([
      { claims: undefined, deadline: expect.any(Deadline) },
      { claims: CLAIMS, deadline: expect.any(Deadline) },
    ]);
    expect((sent[0]!.headers as Record<string, string>)['authorization']).not.toBe(
      (sent[1]!.headers as Record<string, string>)['authorization'],
    );
  });

  it('relays the challenge upward when the downstream still asks for claims', async () => {
    const challenge = `Bearer error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`;
    const { api } = harness([
      { status: 401, headers: { 'www-authenticate': challenge } },
      { status: 401, headers: { 'www-authenticate': challenge } },
    ]);
    const error = await rejection(api.post('/programmes/1/approve'));
    expect(error).toMatchObject({ code: 'claims_challenge', status: 401 });
    expect(error.wwwAuthenticate).toContain(`claims="${Buffer.from(CLAIMS).toString('base64')}"`);
  });

  it('relays the token service’s own claims challenge when re-acquiring needs interaction', async () => {
    const challenge = `Bearer error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`;
    const step = new TokenBrokerError({ code: 'claims_challenge', status: 401, detail: 'step up' });
    const { api } = harness([{ status: 401, headers: { 'www-authenticate': challenge } }], async (o) => {
      if (o.claims) throw step;
      return {
        accessToken: fakeJwt({}),
        expiresOnMs: 0,
        flow: 'on-behalf-of',
        source: 'cache',
        acquireMs: 0,
      };
    });
    await expect(api.post('/approve')).rejects.toBe(step);
  });

  it.each([
    [400, 'validation_failed'],
    [404, 'not_found'],
    [409, 'conflict'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [403, 'downstream_forbidden'],
  ])('relays a downstream %i with the same status and its problem detail', async (status, code) => {
    const { api } = harness([{ status, data: { detail: 'the downstream says why', code: 'not_owner' } }]);
    const error = await rejection(api.get('/programmes/1'));
    expect(error).toMatchObject({
      code,
      status,
      detail: 'the downstream says why',
      extensions: { downstream: 'PROGRAM', downstreamStatus: status, downstreamCode: 'not_owner' },
    });
  });

  describe('a downstream that refuses the token (401)', () => {
    const refusal = {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="unknown key"' },
      data: {
        code: 'token_key_unknown',
        detail: 'The token was signed by a key the issuer does not publish.',
      },
    };

    it('gets a cached token replaced once, evicting the refused one, and retries with the new one', async () => {
      const { api, sent, tokenCalls } = harness([refusal, { status: 200, data: { ok: true } }]);
      const { result, hops } = await inContext(() => api.get<{ ok: boolean }>('/programmes/1'));
      expect(result.data).toEqual({ ok: true });
      expect(tokenCalls).toHaveLength(2);
      expect(tokenCalls[1]?.refused?.source).toBe('cache');
      const auth = sent.map((c) => (c.headers as Record<string, string>)['authorization']);
      expect(auth[1]).not.toBe(auth[0]);
      expect(tokenCalls[1]?.refused?.accessToken).toBe(auth[0]?.replace('Bearer ', ''));
      expect(hops.map((h) => [h.status, h.token.source])).toEqual([
        [401, 'cache'],
        [200, 'token-service'],
      ]);
    });

    it('answers 502 downstream_unauthorized, never a 401 that blames the caller, when the new token is refused too', async () => {
      const { api, sent } = harness([refusal, refusal]);
      const error = await rejection(api.get('/programmes/1'));
      expect(error).toMatchObject({
        code: 'downstream_unauthorized',
        status: 502,
        extensions: { downstream: 'PROGRAM', downstreamStatus: 401, downstreamCode: 'token_key_unknown' },
      });
      expect(error.detail).toContain('refused this service');
      expect(error.wwwAuthenticate).toBeUndefined();
      expect(sent).toHaveLength(2);
    });

    it('does not retry a token fresh from the token service: 502 at once', async () => {
      const fresh = async (): Promise<BrokeredToken> => ({
        accessToken: fakeJwt({ n: 1 }),
        expiresOnMs: Date.now() + 3_600_000,
        flow: 'on-behalf-of',
        source: 'token-service',
        acquireMs: 1,
      });
      const { api, sent, tokenCalls } = harness([refusal], fresh);
      await expect(rejection(api.get('/programmes/1'))).resolves.toMatchObject({ status: 502 });
      expect(sent).toHaveLength(1);
      expect(tokenCalls).toHaveLength(1);
    });

    it('evicts a refused cached token it cannot retry with (a streamed body), for the next request', async () => {
      const { api, sent, tokenCalls } = harness([refusal]);
      const error = await rejection(api.stream('PUT', '/documents/1', Readable.from(['bytes'])));
      expect(error).toMatchObject({ code: 'downstream_unauthorized', status: 502 });
      expect(sent).toHaveLength(1);
      expect(tokenCalls.map((c) => c.refused?.source)).toEqual([undefined, 'cache']);
    });
  });

  describe("the incoming request's time budget", () => {
    it("cuts the declared timeout to what is left of the request's budget and passes the deadline to the broker", async () => {
      const { api, sent, tokenCalls } = harness([{ status: 200, data: {} }]);
      await RequestContext.run({ correlationId: 'c', receivedAtMs: Date.now() - 11_000, hops: [] }, () =>
        api.get('/programmes/1'),
      );
      expect(sent[0]?.timeout).toBeLessThanOrEqual(12_000 - 250 - 11_000);
      expect(sent[0]?.timeout).toBeGreaterThan(500);
      expect(sent[0]?.signal).toBeInstanceOf(AbortSignal);
      expect(tokenCalls[0]?.deadline?.remainingMs()).toBeLessThanOrEqual(750);
    });

    it('answers 504 with Retry-After without calling when the budget is spent', async () => {
      const { api, sent } = harness([{ status: 200, data: {} }]);
      const hops: HopRecord[] = [];
      const error = await RequestContext.run(
        { correlationId: 'c', receivedAtMs: Date.now() - 12_000, hops },
        () => rejection(api.get('/programmes/1')),
      );
      expect(error).toMatchObject({ code: 'downstream_timeout', status: 504, retryAfterSeconds: 5 });
      expect(sent).toHaveLength(0);
      expect(hops.map((h) => h.status)).toEqual([504]);
    });

    it('answers a timed-out call 504 with Retry-After', async () => {
      const { api } = harness([{ error: { code: 'ECONNABORTED' } }]);
      await expect(rejection(api.get('/a'))).resolves.toMatchObject({
        code: 'downstream_timeout',
        status: 504,
        retryAfterSeconds: 5,
      });
    });
  });

  it('maps a downstream 5xx to 502 and a 504 to 504', async () => {
    const { api } = harness([{ status: 500, data: { detail: 'stack trace here' } }, { status: 504 }]);
    const e500 = await rejection(api.get('/a'));
    expect(e500).toMatchObject({ code: 'downstream_unreachable', status: 502 });
    expect(e500.detail).not.toContain('stack');
    await expect(rejection(api.get('/a'))).resolves.toMatchObject({
      code: 'downstream_timeout',
      status: 504,
    });
  });

  it('maps an unreachable downstream to 502 and a timeout to 504, recording the hop', async () => {
    const { api } = harness([{ error: { code: 'ECONNREFUSED' } }, { error: { code: 'ECONNABORTED' } }]);
    const { hops } = await inContext(async () => {
      await expect(rejection(api.get('/a'))).resolves.toMatchObject({
        code: 'downstream_unreachable',
        status: 502,
      });
      const timeout = await rejection(api.get('/a'));
      expect(timeout).toMatchObject({ code: 'downstream_timeout', status: 504 });
      expect(JSON.stringify(timeout.cause ?? {})).not.toContain('authorization');
    });
    expect(hops.map((h) => h.status)).toEqual([502, 504]);
  });

  it('streams request and response bodies and reads a streamed error body', async () => {
    const body = Readable.from(['chunk']);
    const { api, sent } = harness([
      { status: 200, data: Readable.from(['file-bytes']) },
      { status: 404, data: Readable.from([JSON.stringify({ detail: 'no such document' })]) },
    ]);
    const response = await api.stream('PUT', '/documents/1', body);
    expect(sent[0]).toMatchObject({ responseType: 'stream', data: body });
    let text = '';
    for await (const chunk of response.data) text += String(chunk);
    expect(text).toBe('file-bytes');
    await expect(rejection(api.stream('GET', '/documents/2'))).resolves.toMatchObject({
      code: 'not_found',
      detail: 'no such document',
    });
  });

  it('works outside a request context (no hop, no correlation header)', async () => {
    const { api, sent } = harness([{ status: 204 }]);
    await expect(api.delete('/programmes/1')).resolves.toMatchObject({ status: 204 });
    expect((sent[0]!.headers as Record<string, string>)['x-correlation-id']).toBeUndefined();
  });
});

describe('DownstreamApi, verified delegation', () => {
  const PROOF = fakeJwt({
    iss: 'bff',
    oid: 'alice',
    scp: 'Program.ReadWrite',
    amr: ['pwd'],
    tfp: 'B2C_1_signin',
  });
  const delegated = async (): Promise<BrokeredToken> => ({
    accessToken: fakeJwt({ azp: 'bff', aud: 'program', roles: ['Delegation.Act'] }),
    delegationProof: PROOF,
    expiresOnMs: Date.now() + 3_600_000,
    flow: 'verified-delegation',
    source: 'cache',
    acquireMs: 0,
  });

  it('sends the proof as X-User-Delegation beside the app token, never one the caller supplies', async () => {
    const { api, sent } = harness([{ status: 200, data: {} }], delegated, 'verified-delegation');
    await api.get('/programmes', { headers: { 'X-User-Delegation': 'forged.proof.value' } });
    const headers = sent[0]!.headers as Record<string, string>;
    expect(headers['x-user-delegation']).toBe(PROOF);
    expect(JSON.stringify(headers)).not.toContain('forged.proof.value');
  });

  it('records the hop as verified-delegation with the display claims of the proof, not the proof', async () => {
    const { api } = harness([{ status: 200, data: {} }], delegated, 'verified-delegation');
    const { hops } = await inContext(() => api.get('/programmes'));
    expect(hops[0]).toMatchObject({
      flow: 'verified-delegation',
      token: {
        claims: { azp: 'bff', roles: ['Delegation.Act'] },
        delegation: { oid: 'alice', scp: 'Program.ReadWrite', amr: ['pwd'], tfp: 'B2C_1_signin' },
      },
    });
    expect(JSON.stringify(hops)).not.toContain('eyJ');
  });

  it('relays an insufficient_claims challenge at once: an app token cannot satisfy user claims', async () => {
    const challenge = `Bearer error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`;
    const { api, sent, tokenCalls } = harness(
      [{ status: 401, headers: { 'www-authenticate': challenge } }],
      delegated,
      'verified-delegation',
    );
    const { result: error, hops } = await inContext(() => rejection(api.post('/programmes/1/approve')));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'claims_challenge', status: 401 });
    expect(error.wwwAuthenticate).toContain(`claims="${Buffer.from(CLAIMS).toString('base64')}"`);
    expect(tokenCalls).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(hops.map((h) => h.status)).toEqual([401]);
  });
});
