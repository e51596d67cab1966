import { TokenBroker, TokenBrokerEvents, TokenBrokerModule, type TokenBrokerOptions } from '@chain/auth';
import {
  type AcquiredToken,
  SHARED_TOKEN_STORE,
  type SharedTokenStore,
  TOKEN_ACQUIRER,
  TOKEN_BROKER_CLOCK,
  type TokenRequest,
  TokenServiceFailure,
} from '@chain/auth/testing';
import { JWT_PATTERN } from '@chain/testing';
import { Test } from '@nestjs/testing';
import { SpanStatusCode } from '@opentelemetry/api';

import { ChainAttribute, ChainMetric, RefreshReason } from './chain.metrics';
import { TelemetryRig } from './telemetry-test.fakes';
import { instrumentTokenBroker } from './token-broker.instrumentation';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}

/** A token service that issues one-hour tokens, or fails as scripted. */
class ScriptedTokenService {
  readonly requests: TokenRequest[] = [];
  failWith?: TokenServiceFailure;

  async acquire(request: TokenRequest): Promise<AcquiredToken> {
    this.requests.push(request);
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (this.failWith) throw this.failWith;
    return {
      accessToken: jwt({ aud: request.scopes.join(' '), n: this.requests.length }),
      expiresOnMs: NOW + 3_600_000,
    };
  }
}

/** A shared (L2) store in memory, standing in for Redis. */
class MemoryStore implements SharedTokenStore {
  readonly available = true;
  private readonly entries = new Map<string, { accessToken: string; expiresOnMs: number }>();
  async get(key: string): Promise<{ accessToken: string; expiresOnMs: number } | undefined> {
    return this.entries.get(key);
  }
  async set(key: string, token: { accessToken: string; expiresOnMs: number }): Promise<void> {
    this.entries.set(key, token);
  }
  async tryLease(): Promise<boolean> {
    return true;
  }
  async releaseLease(): Promise<void> {}
  async close(): Promise<void> {}
}

const options: TokenBrokerOptions = {
  authority: 'https://login.example.test/tenant-1',
  clientId: 'bff-client',
  credential: { kind: 'secret', secret: 'not-a-real-secret' },
  downstreams: {
    PROGRAM: {
      baseUrl: 'http://program.test',
      flow: 'on-behalf-of',
      scopes: ['api://program-service/Program.ReadWrite'],
    },
    PRICING: {
      baseUrl: 'http://pricing.test',
      flow: 'client-credentials',
      scopes: ['api://pricing-service/.default'],
    },
  },
  circuitBreaker: { consecutiveFailures: 50, openForMs: 1_000 },
};

const alice: TokenBroker.ForPrincipal = {
  kind: 'user',
  expiresAt: NOW / 1_000 + 3_600,
  rawToken: () => jwt({ oid: 'alice', aud: 'api://bff', scp: 'access_as_user', exp: NOW / 1_000 + 3_600 }),
};

describe('token broker instrumentation', () => {
  let telemetry: TelemetryRig;
  let tokenService: ScriptedTokenService;
  let broker: TokenBroker;
  let uninstrument: () => void;

  async function brokerOn(store?: SharedTokenStore): Promise<TokenBroker> {
    let builder = Test.createTestingModule({ imports: [TokenBrokerModule.forRoot(options)] })
      .overrideProvider(TOKEN_ACQUIRER)
      .useValue(tokenService)
      .overrideProvider(TOKEN_BROKER_CLOCK)
      .useValue({ now: () => NOW });
    if (store !== undefined) builder = builder.overrideProvider(SHARED_TOKEN_STORE).useValue(store);
    return (await builder.compile()).get(TokenBroker);
  }

  function instrument(sharedTokenCache: boolean): void {
    uninstrument();
    uninstrument = instrumentTokenBroker(
      { TokenBroker, TokenBrokerEvents },
      { tracer: telemetry.tracer, metrics: telemetry.metrics, sharedTokenCache },
    );
  }

  beforeEach(async () => {
    telemetry = new TelemetryRig();
    tokenService = new ScriptedTokenService();
    broker = await brokerOn();
    uninstrument = () => undefined;
    instrument(false);
  });

  afterEach(async () => {
    uninstrument();
    await telemetry.close();
  });

  it('records a token from the token service as one span with downstream, flow, cache level and refresh reason', async () => {
    await broker.forUser('PROGRAM', alice);

    const [span, ...others] = telemetry.spans();
    expect(others).toHaveLength(0);
    expect(span?.name).toBe('token.acquire PROGRAM');
    expect(span?.attributes).toEqual({
      [ChainAttribute.Downstream]: 'PROGRAM',
      [ChainAttribute.TokenFlow]: 'on-behalf-of',
      [ChainAttribute.TokenSource]: 'token-service',
      [ChainAttribute.CacheLevel]: 'token_service',
      [ChainAttribute.RefreshReason]: RefreshReason.NoCachedToken,
    });
    expect(span?.events.map((e) => e.name)).toEqual(['token-service request']);
  });

  it('records the second acquisition as an L1 hit and counts the cache gets by level and result', async () => {
    await broker.forUser('PROGRAM', alice);
    telemetry.resetSpans();
    await broker.forUser('PROGRAM', alice);

    expect(telemetry.spans()[0]?.attributes).toMatchObject({
      [ChainAttribute.TokenSource]: 'cache',
      [ChainAttribute.CacheLevel]: 'l1',
      [ChainAttribute.RefreshReason]: RefreshReason.NotApplicable,
    });
    const gets = await telemetry.points(ChainMetric.TokenCacheGets);
    const count = (result: string): number | undefined =>
      gets.find((p) => p.attributes[ChainAttribute.CacheResult] === result)?.value;
    expect(gets.every((p) => p.attributes[ChainAttribute.CacheLevel] === 'l1')).toBe(true);
    expect([count('miss'), count('hit')]).toEqual([1, 1]);
  });

  it('records a token another replica stored as an L2 hit, after an L1 miss', async () => {
    instrument(true);
    const store = new MemoryStore();
    await (await brokerOn(store)).forUser('PROGRAM', alice);
    telemetry.resetSpans();
    await (await brokerOn(store)).forUser('PROGRAM', alice);

    expect(telemetry.spans()[0]?.attributes).toMatchObject({
      [ChainAttribute.TokenSource]: 'cache',
      [ChainAttribute.CacheLevel]: 'l2',
    });
    const gets = await telemetry.points(ChainMetric.TokenCacheGets);
    const summary = gets.map((p) => [
      p.attributes[ChainAttribute.CacheLevel],
      p.attributes[ChainAttribute.CacheResult],
      p.value,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['l1', 'miss', 2],
        ['l2', 'miss', 1],
        ['l2', 'hit', 1],
      ]),
    );
    expect(summary).toHaveLength(3);
    expect(tokenService.requests).toHaveLength(1);
  });

  it('counts acquisitions by downstream, flow and source', async () => {
    await broker.forUser('PROGRAM', alice);
    await broker.forUser('PROGRAM', alice);
    await broker.forApp('PRICING');

    const points = await telemetry.points(ChainMetric.TokenAcquisitions);
    const summary = points.map((p) => [
      p.attributes[ChainAttribute.Downstream],
      p.attributes[ChainAttribute.TokenFlow],
      p.attributes[ChainAttribute.TokenSource],
      p.value,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['PROGRAM', 'on-behalf-of', 'token-service', 1],
        ['PROGRAM', 'on-behalf-of', 'cache', 1],
        ['PRICING', 'client-credentials', 'token-service', 1],
      ]),
    );
    expect(summary).toHaveLength(3);
  });

  it('makes one span of a client-credentials downstream reached through forUser', async () => {
    await broker.forUser('PRICING', alice);

    expect(telemetry.spans().map((s) => s.name)).toEqual(['token.acquire PRICING']);
    expect(telemetry.spans()[0]?.attributes[ChainAttribute.TokenFlow]).toBe('client-credentials');
  });

  it('records the duration of each token-service request in seconds, by downstream and outcome', async () => {
    await broker.forApp('PRICING');

    const [point, ...others] = await telemetry.points(ChainMetric.TokenServiceDuration);
    expect(others).toHaveLength(0);
    expect(point?.attributes).toEqual({
      [ChainAttribute.Downstream]: 'PRICING',
      [ChainAttribute.TokenFlow]: 'client-credentials',
      [ChainAttribute.Outcome]: 'success',
    });
    expect(point?.count).toBe(1);
    expect(point?.value).toBeGreaterThan(0);
    expect(point?.value).toBeLessThan(1);
  });

  it('marks a failed acquisition with the error code on the span and in the acquisitions metric', async () => {
    tokenService.failWith = new TokenServiceFailure({
      kind: 'rejected',
      status: 400,
      error: 'invalid_grant',
      subError: 'consent_required',
      errorCodes: [65001],
    });

    await expect(broker.forUser('PROGRAM', alice)).rejects.toMatchObject({ code: 'consent_required' });

    const span = telemetry.spans()[0];
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'consent_required' });
    expect(span?.attributes[ChainAttribute.ErrorCode]).toBe('consent_required');
    const [failure] = await telemetry.points(ChainMetric.TokenAcquisitions);
    expect(failure?.attributes).toMatchObject({
      [ChainAttribute.Outcome]: 'failure',
      [ChainAttribute.ErrorType]: 'consent_required',
    });
  });

  it('names a claims challenge as the refresh reason and counts no cache get for it', async () => {
    await broker.forUser('PROGRAM', alice, {
      claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
    });

    expect(telemetry.spans()[0]?.attributes[ChainAttribute.RefreshReason]).toBe(
      RefreshReason.ClaimsChallenge,
    );
    expect(await telemetry.points(ChainMetric.TokenCacheGets)).toEqual([]);
  });

  it('puts no token in any span attribute, span event or metric attribute', async () => {
    await broker.forUser('PROGRAM', alice);
    await broker.forUser('PROGRAM', alice);
    await broker.forApp('PRICING');

    const spanValues = telemetry
      .spans()
      .flatMap((s) => [
        ...Object.values(s.attributes),
        ...s.events.flatMap((e) => Object.values(e.attributes ?? {})),
      ]);
    const metricValues = (
      await Promise.all(Object.values(ChainMetric).map((name) => telemetry.points(name)))
    ).flatMap((points) => points.flatMap((p) => Object.values(p.attributes)));
    expect(spanValues.length).toBeGreaterThan(10);
    expect([...spanValues, ...metricValues].filter((v) => JWT_PATTERN.test(String(v)))).toEqual([]);
  });

  it('puts the broker back as it was when removed', async () => {
    uninstrument();
    await broker.forUser('PROGRAM', alice);

    expect(telemetry.spans()).toEqual([]);
  });
});
