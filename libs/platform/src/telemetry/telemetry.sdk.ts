import type { IncomingMessage } from 'node:http';

import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

import { ChainMetrics } from './chain.metrics';
import { downstreamHttpHooks, DownstreamResolver } from './downstream-http.hooks';
import type { TelemetryConfig } from './telemetry.config';

/** A started SDK: the chain's instruments and the way to flush and stop. */
export interface RunningTelemetry {
  readonly metrics: ChainMetrics;
  /** Exports what is buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** What tests may give instead of the exporters the `OTEL_*` variables select. */
export type TelemetrySdkOverrides = Partial<Pick<NodeSDKConfiguration, 'spanProcessors' | 'metricReaders'>>;

/** Query parameters whose values never reach a span (OAuth codes, tokens, assertions, secrets). */
const REDACTED_QUERY_PARAMS = [
  'code',
  'state',
  'access_token',
  'id_token',
  'refresh_token',
  'assertion',
  'client_assertion',
  'client_secret',
  'sig',
];

/**
 * Starts the OpenTelemetry Node SDK: exporters, sampler, propagators and resource from the `OTEL_*`
 * variables (the SDK's own reading), `service.name` defaulting to the app's name, and the maintained
 * instrumentations of what the chain uses — http (server and client spans, W3C traceparent in and out),
 * express, Nest, pg, ioredis, pino (trace_id / span_id on every log line; logs stay on stdout, they are not
 * exported). Must run before those modules are loaded; `@chain/platform` runs it first.
 */
export function startTelemetrySdk(
  config: TelemetryConfig,
  overrides: TelemetrySdkOverrides = {},
): RunningTelemetry {
  const holder: { metrics?: ChainMetrics } = {};
  const sdk = new NodeSDK({
    ...(config.serviceName === undefined ? {} : { serviceName: config.serviceName }),
    instrumentations: instrumentations(config, () => holder.metrics),
    // Logs are not exported (pino keeps writing JSON lines to stdout, now with trace ids).
    logRecordProcessors: [],
    ...overrides,
  });
  sdk.start();
  const metrics = new ChainMetrics();
  holder.metrics = metrics;
  return { metrics, shutdown: () => sdk.shutdown() };
}

function instrumentations(
  config: TelemetryConfig,
  metrics: () => ChainMetrics | undefined,
): NonNullable<NodeSDKConfiguration['instrumentations']> {
  const downstream = downstreamHttpHooks(new DownstreamResolver(config.downstreams), metrics);
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: isProbe,
      redactedQueryParams: REDACTED_QUERY_PARAMS,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
      startOutgoingSpanHook: downstream.startOutgoingSpanHook,
      requestHook: downstream.requestHook,
    }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    // Statements without their parameter values (enhancedDatabaseReporting stays off).
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    // The command name only: the token cache's keys and sealed values stay out of spans.
    new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

/** Liveness and readiness probes: polled every few seconds, they would bury the chain's traces. */
function isProbe(request: IncomingMessage): boolean {
  return (request.url ?? '').startsWith('/health/');
}
