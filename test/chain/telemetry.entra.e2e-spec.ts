import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Chain, JWT_PATTERN, type SignedIn, signIn, startChain } from '@chain/testing';

import { OtlpReceiver, type ReceivedPoint, type ReceivedSpan } from './support/otlp-receiver';
import { type Programme } from './support/programmes';

const APIS = ['bff', 'program-service', 'pricing-service', 'documents-service'] as const;
/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;

/** The OTEL_* variables of each app: OTLP/JSON to the receiver, exported at once. */
function telemetryEnv(endpoint: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
    OTEL_METRIC_EXPORT_TIMEOUT: '250',
  };
}

/** A W3C traceparent with a fresh trace id, as the SPA sends one per request. */
function newTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tokenSpan(
  spans: readonly ReceivedSpan[],
  service: string,
  downstream: string,
): ReceivedSpan | undefined {
  return spans.find((s) => s.service === service && s.name === `token.acquire ${downstream}`);
}

function point(
  points: readonly ReceivedPoint[],
  service: string,
  attributes: Record<string, unknown>,
): ReceivedPoint | undefined {
  return points.find(
    (p) => p.service === service && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
  );
}

describe('OpenTelemetry across the chain (OTLP to an in-process receiver)', () => {
  const receiver = new OtlpReceiver();
  let chain: Chain;
  let alice: SignedIn;
  let programme: Programme;

  async function bff(
    path: string,
    traceparent?: string,
    token: string | undefined = alice.accessToken,
  ): Promise<number> {
    const res = await fetch(`${chain.url('bff')}${path}`, {
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(traceparent ? { traceparent } : {}),
      },
    });
    await res.arrayBuffer();
    return res.status;
  }

  beforeAll(async () => {
    await receiver.start();
    const env = telemetryEnv(receiver.url);
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-telemetry',
      env: Object.fromEntries(APIS.map((app) => [app, env])),
    });
    alice = await signIn(chain, 'alice');
    const res = await fetch(`${chain.url('bff')}/api/programmes`, {
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    programme = ((await res.json()) as { programmes: Programme[] }).programmes[0] as Programme;
  }, 120_000);

  afterAll(async () => {
    await chain?.stop();
    await receiver.stop();
  });

  it('makes one trace of a BFF request through program-service and pricing-service, with a span per token acquisition', async () => {
    const { traceId, traceparent } = newTrace();
    expect(await bff(`/api/programmes/${programme.id}/quote`, traceparent)).toBe(200);

    const spans = await until('the quote trace from bff, program-service and pricing-service', () => {
      const trace = receiver.trace(traceId);
      const services = new Set(trace.filter((s) => s.kind === SERVER).map((s) => s.service));
      return ['bff', 'program-service', 'pricing-service'].every((s) => services.has(s)) &&
        tokenSpan(trace, 'bff', 'PRICING')
        ? trace
        : undefined;
    });
    // One trace: every span's parent is in it, except the BFF's server span, whose parent is the caller's.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
    expect(roots.map((s) => [s.service, s.kind])).toEqual([['bff', SERVER]]);
    // alice's program-service token was cached by the listing; pricing's app token is the first.
    expect(tokenSpan(spans, 'bff', 'PROGRAM')?.attributes).toMatchObject({
      'chain.downstream': 'PROGRAM',
      'chain.token.flow': 'on-behalf-of',
      'chain.token.source': 'cache',
      'chain.token.cache_level': 'l1',
      'chain.token.refresh_reason': 'not_applicable',
    });
    expect(tokenSpan(spans, 'bff', 'PRICING')?.attributes).toMatchObject({
      'chain.downstream': 'PRICING',
      'chain.token.flow': 'client-credentials',
      'chain.token.source': 'token-service',
      'chain.token.cache_level': 'token_service',
      'chain.token.refresh_reason': 'no_cached_token',
    });
    const pricingCall = spans.find(
      (s) => s.kind === CLIENT && s.attributes['chain.downstream'] === 'PRICING',
    );
    expect(pricingCall?.attributes['http.response.status_code']).toBe(200);
  });

  it('carries the trace through documents-service to program-service, the second on-behalf-of hop', async () => {
    const { traceId, traceparent } = newTrace();
    expect(await bff(`/api/programmes/${programme.id}/documents`, traceparent)).toBe(200);

    const spans = await until('the documents trace down to program-service', () => {
      const trace = receiver.trace(traceId);
      const servers = new Set(trace.filter((s) => s.kind === SERVER).map((s) => s.service));
      return servers.size === 3 && tokenSpan(trace, 'documents-service', 'PROGRAM') ? trace : undefined;
    });
    expect(tokenSpan(spans, 'documents-service', 'PROGRAM')?.attributes).toMatchObject({
      'chain.token.flow': 'on-behalf-of',
      'chain.token.cache_level': 'token_service',
    });
    expect(new Set(spans.filter((s) => s.kind === SERVER).map((s) => s.service))).toEqual(
      new Set(['bff', 'documents-service', 'program-service']),
    );
  });

  it('exports the token, cache, token-service, downstream and 401 metrics', async () => {
    expect(await bff(`/api/programmes/${programme.id}/quote`, newTrace().traceparent)).toBe(200);
    expect(await bff('/api/me', undefined, '')).toBe(401);

    const acquisitions = await until('a cached pricing token counted', () => {
      const points = receiver.points('chain.token.acquisitions');
      return point(points, 'bff', { 'chain.downstream': 'PRICING', 'chain.token.source': 'cache' })
        ? points
        : undefined;
    });
    expect(
      point(acquisitions, 'bff', {
        'chain.downstream': 'PRICING',
        'chain.token.flow': 'client-credentials',
        'chain.token.source': 'token-service',
      })?.value,
    ).toBe(1);
    // Each process exports on its own interval: wait for each one's point rather than assume that the
    // BFF's export above means the others have exported too (documents-service's may come later).
    const atLeast = (min: number, found: () => ReceivedPoint | undefined) => () => {
      const p = found();
      return p !== undefined && p.value >= min ? p : undefined;
    };
    await until(
      'two l1 cache hits at the BFF',
      atLeast(2, () =>
        point(receiver.points('chain.token.cache.gets'), 'bff', {
          'chain.token.cache_level': 'l1',
          'chain.token.cache.result': 'hit',
        }),
      ),
    );
    await until(
      "documents-service's token-service duration for PROGRAM",
      atLeast(1, () =>
        point(receiver.points('chain.token.service.duration'), 'documents-service', {
          'chain.downstream': 'PROGRAM',
          'chain.outcome': 'success',
        }),
      ),
    );
    await until(
      "two of the BFF's GETs to PROGRAM timed",
      atLeast(2, () =>
        point(receiver.points('chain.downstream.duration'), 'bff', {
          'chain.downstream': 'PROGRAM',
          'http.request.method': 'GET',
          'http.response.status_code': 200,
        }),
      ),
    );
    await until('the 401 counted by its problem code', () =>
      point(receiver.points('chain.auth.rejections'), 'bff', {
        'http.response.status_code': 401,
        'chain.error.code': 'token_missing',
      }),
    );
  });

  it('writes the trace id on the log lines of a traced request', async () => {
    const { traceId, traceparent } = newTrace();
    expect(await bff(`/api/programmes/${programme.id}`, traceparent)).toBe(200);

    await until('the request logged with its trace id', () =>
      readFileSync(join(chain.logDir, 'program-service.log'), 'utf8').includes(`"trace_id":"${traceId}"`)
        ? true
        : undefined,
    );
  });

  it('puts no token in any exported span, event, metric or resource attribute', () => {
    expect(receiver.rawBodies.length).toBeGreaterThan(5);
    expect(receiver.rawBodies.filter((body) => JWT_PATTERN.test(body)).length).toBe(0);
  });
});
