import { telemetryConfig } from './telemetry.config';
import type { RunningTelemetry } from './telemetry.sdk';

/** Whether this process exports OpenTelemetry data, and why (docs/observability.md). */
export interface TelemetryState {
  readonly enabled: boolean;
  /** In words, naming the variable that decided (`OTEL_EXPORTER_OTLP_ENDPOINT is set`). */
  readonly reason: string;
  /** The `service.name` the chain chose, when the `OTEL_*` variables named none. */
  readonly serviceName?: string;
}

let running: RunningTelemetry | undefined;

/**
 * Runs once, when `@chain/platform` is first loaded — its barrel exports this module first, so the
 * OpenTelemetry SDK hooks http, express, pg, ioredis and pino before the app loads them. With telemetry
 * off (the default) nothing of the SDK is loaded: it costs seconds of start-up.
 */
function startFromEnv(): TelemetryState {
  const config = telemetryConfig();
  if (!config.enabled) return { enabled: false, reason: config.reason };
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when on, in this order: SDK first */
  const sdk = require('./telemetry.sdk') as typeof import('./telemetry.sdk');
  running = sdk.startTelemetrySdk(config);
  const chain = require('./chain.instrumentation') as typeof import('./chain.instrumentation');
  /* eslint-enable @typescript-eslint/no-require-imports */
  chain.instrumentChain(running.metrics, config);
  return {
    enabled: true,
    reason: config.reason,
    ...(config.serviceName === undefined ? {} : { serviceName: config.serviceName }),
  };
}

const state = startFromEnv();

/** Whether telemetry is on in this process, and why. */
export function telemetryState(): TelemetryState {
  return state;
}

/**
 * Exports what the SDK still buffers and stops it; a no-op when telemetry is off. Call it on shutdown
 * (after the HTTP server closed) so the last spans are not lost.
 */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown();
}
