import { type Counter, type Histogram, type Meter, metrics, ValueType } from '@opentelemetry/api';

/**
 * Attributes the chain adds to spans and metrics. `chain.*` names are the project's own (OpenTelemetry
 * reserves unprefixed names for its semantic conventions); `error.type`, `http.request.method` and
 * `http.response.status_code` are the standard ones. Values are names and codes only, never token material.
 */
export const ChainAttribute = {
  /** The declared downstream name (`PROGRAM`, `PRICING`, `DOCUMENTS`). */
  Downstream: 'chain.downstream',
  /** `on-behalf-of`, `client-credentials` or `verified-delegation`. */
  TokenFlow: 'chain.token.flow',
  /** Where the token came from: `cache`, `refresh` (cache, renewal started) or `token-service`. */
  TokenSource: 'chain.token.source',
  /** The level that answered: `l1` (process), `l2` (Redis) or `token_service`. */
  CacheLevel: 'chain.token.cache_level',
  /** Why the token service was (or was not) asked: see {@link RefreshReason}. */
  RefreshReason: 'chain.token.refresh_reason',
  /** A cache get's result: `hit`, `miss` or `error` (L2 unreachable). */
  CacheResult: 'chain.token.cache.result',
  /** `success` or `failure`. */
  Outcome: 'chain.outcome',
  /** The stable `code` of a chain error (the problem+json `code`). */
  ErrorCode: 'chain.error.code',
  ErrorType: 'error.type',
  HttpMethod: 'http.request.method',
  HttpStatus: 'http.response.status_code',
} as const;

/** Why a token came from where it did (after MSAL.NET's `CacheRefreshReason`). */
export const RefreshReason = {
  /** Served from cache. */
  NotApplicable: 'not_applicable',
  /** No usable cached token: asked the token service (or joined a request in flight). */
  NoCachedToken: 'no_cached_token',
  /** Served from cache inside the refresh-ahead window; a background renewal started. */
  Proactive: 'proactive',
  /** A downstream's claims challenge: the cache is bypassed by design. */
  ClaimsChallenge: 'claims_challenge',
} as const;
export type RefreshReason = (typeof RefreshReason)[keyof typeof RefreshReason];

/** Names of the chain's instruments (docs/observability.md lists their attributes). */
export const ChainMetric = {
  TokenAcquisitions: 'chain.token.acquisitions',
  TokenCacheGets: 'chain.token.cache.gets',
  TokenServiceDuration: 'chain.token.service.duration',
  AuthRejections: 'chain.auth.rejections',
  DownstreamDuration: 'chain.downstream.duration',
} as const;

/** Bucket boundaries in seconds (OpenTelemetry's HTTP duration advice). */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The chain's instruments, created from the meter provider the SDK registered (create it after start). */
export class ChainMetrics {
  /** Token acquisitions by downstream, flow, source and outcome. */
  readonly tokenAcquisitions: Counter;
  /** Token cache gets by level (`l1`, `l2`) and result (`hit`, `miss`, `error`). */
  readonly tokenCacheGets: Counter;
  /** Duration of each token-service request (each attempt), in seconds. */
  readonly tokenServiceDuration: Histogram;
  /** 401 and 403 answers by status and problem `code`. */
  readonly authRejections: Counter;
  /** Duration of each downstream HTTP call, in seconds, by downstream, method and status. */
  readonly downstreamDuration: Histogram;

  constructor(meter: Meter = metrics.getMeter('@chain/platform')) {
    this.tokenAcquisitions = meter.createCounter(ChainMetric.TokenAcquisitions, {
      description: 'Downstream tokens obtained by the token broker, by source and flow',
      unit: '{acquisition}',
      valueType: ValueType.INT,
    });
    this.tokenCacheGets = meter.createCounter(ChainMetric.TokenCacheGets, {
      description: 'Token cache gets by level and result',
      unit: '{get}',
      valueType: ValueType.INT,
    });
    this.tokenServiceDuration = meter.createHistogram(ChainMetric.TokenServiceDuration, {
      description: 'Duration of requests to the token service (Entra, the emulator)',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this.authRejections = meter.createCounter(ChainMetric.AuthRejections, {
      description: '401 and 403 answers by problem code',
      unit: '{response}',
      valueType: ValueType.INT,
    });
    this.downstreamDuration = meter.createHistogram(ChainMetric.DownstreamDuration, {
      description: 'Duration of calls to declared downstream APIs',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
  }
}
