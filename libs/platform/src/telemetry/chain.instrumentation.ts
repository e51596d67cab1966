import { TokenBroker, TokenBrokerEvents } from '@chain/auth';
import { trace } from '@opentelemetry/api';

import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import type { ChainMetrics } from './chain.metrics';
import { instrumentProblemCodes } from './problem-code.instrumentation';
import type { TelemetryConfig } from './telemetry.config';
import { instrumentTokenBroker } from './token-broker.instrumentation';

/** The instrumentation scope of the chain's own spans. */
export const CHAIN_TRACER_NAME = '@chain/platform';

/**
 * The chain's own spans and metrics, on top of the maintained instrumentations: token acquisition (the
 * broker) and 401/403 by problem code (the problem+json filter). Loaded only when telemetry is on, after
 * the SDK started, because it loads @chain/auth.
 *
 * @returns the function that removes it.
 */
export function instrumentChain(metrics: ChainMetrics, config: TelemetryConfig): () => void {
  const undo = [
    instrumentTokenBroker(
      { TokenBroker, TokenBrokerEvents },
      { tracer: trace.getTracer(CHAIN_TRACER_NAME), metrics, sharedTokenCache: config.sharedTokenCache },
    ),
    instrumentProblemCodes(ProblemDetailsFilter, metrics),
  ];
  return () => undo.forEach((u) => u());
}
