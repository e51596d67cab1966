import { type TokenBroker, type TokenBrokerEvents } from '@chain/auth';
import {
  type Attributes,
  context,
  createContextKey,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';

import { ChainAttribute, type ChainMetrics, RefreshReason } from './chain.metrics';
import { type Method, wrapMethod } from './wrap-method';

/** The two classes of @chain/auth this instrumentation observes (passed in, so tests can give the real ones). */
export interface TokenBrokerClasses {
  /** `TokenBroker`: its public `forUser` / `forApp` become one span per acquisition. */
  readonly TokenBroker: { prototype: { forUser: unknown; forApp: unknown; declaration: unknown } };
  /** `TokenBrokerEvents`: every instance's events feed the metrics and the current acquisition's span. */
  readonly TokenBrokerEvents: { prototype: { emit: unknown } };
}

/** What the instrumentation records into. */
export interface TokenBrokerInstrumentationDeps {
  readonly tracer: Tracer;
  readonly metrics: ChainMetrics;
  /** The app has an L2 cache: a `cache-miss` is a miss in L1 and in L2. */
  readonly sharedTokenCache: boolean;
}

type CacheLevel = 'l1' | 'l2' | 'token_service';

/** One acquisition in progress, found again by the broker's events through the active context. */
interface Acquisition {
  readonly downstream: string;
  readonly span: Span;
  readonly bypassesCache: boolean;
  flow: string;
  level?: CacheLevel;
  refreshReason: RefreshReason;
  errorCode?: string;
}

const ACQUISITION = createContextKey('chain.token-acquisition');

/**
 * Spans and metrics for the token broker, without a line in @chain/auth: `forUser` / `forApp` run inside a
 * `token.acquire <downstream>` span (attributes: downstream, flow, source, cache level, refresh reason, error
 * code), and every `TokenBrokerEvents.emit` — the broker's own observable side — feeds the cache and
 * token-service metrics and tells the span which level answered. No token ever reaches a span or a metric:
 * the events carry none, and only the returned token's `source` and `flow` are read.
 *
 * @returns the function that removes the instrumentation.
 */
export function instrumentTokenBroker(
  classes: TokenBrokerClasses,
  deps: TokenBrokerInstrumentationDeps,
): () => void {
  const undo = [
    wrapMethod(classes.TokenBroker.prototype, 'forUser', (original) => acquireWrapper(original, 2, deps)),
    wrapMethod(classes.TokenBroker.prototype, 'forApp', (original) => acquireWrapper(original, 1, deps)),
    wrapMethod(classes.TokenBrokerEvents.prototype, 'emit', (original) => emitWrapper(original, deps)),
  ];
  return () => undo.forEach((u) => u());
}

/** `forUser(name, principal, options?)` / `forApp(name, options?)`: the options are at `optionsIndex`. */
function acquireWrapper(
  original: Method,
  optionsIndex: number,
  deps: TokenBrokerInstrumentationDeps,
): Method {
  return function acquire(this: unknown, ...args: unknown[]): unknown {
    // forUser delegates to forApp for a client-credentials downstream: one acquisition, one span.
    if (context.active().getValue(ACQUISITION) !== undefined) return Reflect.apply(original, this, args);
    const downstream = String(args[0]);
    const options = args[optionsIndex] as TokenBroker.Options | undefined;
    const acq = startAcquisition(deps.tracer, downstream, declaredFlow(this, downstream), options?.claims);
    const active = trace.setSpan(context.active(), acq.span).setValue(ACQUISITION, acq);
    const pending = context.with(
      active,
      () => Reflect.apply(original, this, args) as Promise<TokenBroker.Token>,
    );
    return pending.then(
      (token) => {
        succeed(acq, token, deps.metrics);
        return token;
      },
      (error: unknown) => {
        fail(acq, error, deps.metrics);
        throw error;
      },
    );
  };
}

function startAcquisition(tracer: Tracer, downstream: string, flow: string, claims?: string): Acquisition {
  const span = tracer.startSpan(`token.acquire ${downstream}`, {
    kind: SpanKind.INTERNAL,
    attributes: { [ChainAttribute.Downstream]: downstream, [ChainAttribute.TokenFlow]: flow },
  });
  const bypassesCache = claims !== undefined && claims !== '';
  return {
    downstream,
    span,
    flow,
    bypassesCache,
    refreshReason: bypassesCache ? RefreshReason.ClaimsChallenge : RefreshReason.NotApplicable,
  };
}

/** The declared flow of `name` (`declaration()` is public), or `unknown` for an undeclared name. */
function declaredFlow(broker: unknown, name: string): string {
  try {
    const declaration = (broker as { declaration(n: string): { flow: string } }).declaration(name);
    return declaration.flow;
  } catch {
    return 'unknown';
  }
}

function succeed(acq: Acquisition, token: TokenBroker.Token, metrics: ChainMetrics): void {
  const level: CacheLevel = acq.level ?? (token.source === 'token-service' ? 'token_service' : 'l1');
  acq.span.setAttributes({
    [ChainAttribute.TokenFlow]: token.flow,
    [ChainAttribute.TokenSource]: token.source,
    [ChainAttribute.CacheLevel]: level,
    [ChainAttribute.RefreshReason]: acq.refreshReason,
  });
  acq.span.end();
  metrics.tokenAcquisitions.add(1, {
    [ChainAttribute.Downstream]: acq.downstream,
    [ChainAttribute.TokenFlow]: token.flow,
    [ChainAttribute.TokenSource]: token.source,
    [ChainAttribute.Outcome]: 'success',
  });
}

function fail(acq: Acquisition, error: unknown, metrics: ChainMetrics): void {
  const code = codeOf(error) ?? acq.errorCode ?? 'internal';
  // The code, not the message: messages are safe today, but a span attribute outlives today's messages.
  acq.span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  acq.span.setAttributes({
    [ChainAttribute.CacheLevel]: acq.level ?? 'token_service',
    [ChainAttribute.RefreshReason]: acq.refreshReason,
    [ChainAttribute.ErrorCode]: code,
    [ChainAttribute.ErrorType]: code,
  });
  acq.span.end();
  metrics.tokenAcquisitions.add(1, {
    [ChainAttribute.Downstream]: acq.downstream,
    [ChainAttribute.TokenFlow]: acq.flow,
    [ChainAttribute.TokenSource]: 'token-service',
    [ChainAttribute.Outcome]: 'failure',
    [ChainAttribute.ErrorType]: code,
  });
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function emitWrapper(original: Method, deps: TokenBrokerInstrumentationDeps): Method {
  return function emit(this: unknown, ...args: unknown[]): unknown {
    const result: unknown = Reflect.apply(original, this, args);
    try {
      observe(args[0] as keyof TokenBrokerEvents.EventMap, args[1] as EventPayload, deps);
    } catch {
      // Telemetry never breaks token acquisition.
    }
    return result;
  };
}

type EventPayload = TokenBrokerEvents.EventMap[keyof TokenBrokerEvents.EventMap];

/** The acquisition of the active context, when the event is about its downstream. */
function currentAcquisition(payload: EventPayload): Acquisition | undefined {
  const acq = context.active().getValue(ACQUISITION) as Acquisition | undefined;
  if (acq === undefined || !('downstream' in payload) || payload.downstream !== acq.downstream)
    return undefined;
  return acq;
}

function observe(
  event: keyof TokenBrokerEvents.EventMap,
  payload: EventPayload,
  deps: TokenBrokerInstrumentationDeps,
): void {
  const acq = currentAcquisition(payload);
  switch (event) {
    case 'cache-hit':
      return onCacheHit(payload as TokenBrokerEvents.EventMap['cache-hit'], acq, deps.metrics);
    case 'cache-miss':
      return onCacheMiss(payload as TokenBrokerEvents.EventMap['cache-miss'], acq, deps);
    case 'refresh':
      if (acq !== undefined) acq.refreshReason = RefreshReason.Proactive;
      return;
    case 'token-request':
      return onTokenRequest(payload as TokenBrokerEvents.EventMap['token-request'], acq, deps.metrics);
    case 'failure':
      if (acq !== undefined) acq.errorCode = (payload as TokenBrokerEvents.EventMap['failure']).code;
      return;
    case 'lease-wait':
      return onLeaseWait(payload as TokenBrokerEvents.EventMap['lease-wait'], acq);
    case 'l2-error':
      deps.metrics.tokenCacheGets.add(1, cacheAttributes(undefined, 'l2', 'error'));
      return;
  }
}

function cacheAttributes(
  payload: { downstream: string; flow: string } | undefined,
  level: 'l1' | 'l2',
  result: 'hit' | 'miss' | 'error',
): Attributes {
  return {
    ...(payload === undefined
      ? {}
      : { [ChainAttribute.Downstream]: payload.downstream, [ChainAttribute.TokenFlow]: payload.flow }),
    [ChainAttribute.CacheLevel]: level,
    [ChainAttribute.CacheResult]: result,
  };
}

function onCacheHit(
  payload: TokenBrokerEvents.EventMap['cache-hit'],
  acq: Acquisition | undefined,
  metrics: ChainMetrics,
): void {
  // L2 is read only after L1 missed.
  if (payload.level === 'l2') metrics.tokenCacheGets.add(1, cacheAttributes(payload, 'l1', 'miss'));
  metrics.tokenCacheGets.add(1, cacheAttributes(payload, payload.level, 'hit'));
  if (acq !== undefined) acq.level = payload.level;
}

function onCacheMiss(
  payload: TokenBrokerEvents.EventMap['cache-miss'],
  acq: Acquisition | undefined,
  deps: TokenBrokerInstrumentationDeps,
): void {
  if (acq !== undefined) {
    acq.level = 'token_service';
    if (acq.bypassesCache) return; // a claims challenge never reads the cache: not a get
    acq.refreshReason = RefreshReason.NoCachedToken;
  }
  deps.metrics.tokenCacheGets.add(1, cacheAttributes(payload, 'l1', 'miss'));
  if (deps.sharedTokenCache) deps.metrics.tokenCacheGets.add(1, cacheAttributes(payload, 'l2', 'miss'));
}

function onTokenRequest(
  payload: TokenBrokerEvents.EventMap['token-request'],
  acq: Acquisition | undefined,
  metrics: ChainMetrics,
): void {
  const outcome = payload.ok ? 'success' : 'failure';
  metrics.tokenServiceDuration.record(payload.durationMs / 1_000, {
    [ChainAttribute.Downstream]: payload.downstream,
    [ChainAttribute.TokenFlow]: payload.flow,
    [ChainAttribute.Outcome]: outcome,
  });
  // A background refresh reports into an acquisition that has ended: its span no longer records.
  if (acq?.span.isRecording())
    acq.span.addEvent('token-service request', {
      'chain.token.service.duration_ms': payload.durationMs,
      [ChainAttribute.Outcome]: outcome,
    });
}

function onLeaseWait(payload: TokenBrokerEvents.EventMap['lease-wait'], acq: Acquisition | undefined): void {
  if (acq?.span.isRecording())
    acq.span.addEvent('lease wait', {
      'chain.lease.outcome': payload.outcome,
      'chain.lease.waited_ms': payload.waitedMs,
    });
}
