import {
  BrokenCircuitError,
  circuitBreaker,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';

import { TokenServiceFailure } from './token-acquirer.port';

/** Settings of the token-service policy; see {@link TokenBrokerOptions} for units and defaults. */
export interface TokenServicePolicyOptions {
  readonly timeoutMs: number;
  readonly retryAttempts: number;
  readonly maxRetryAfterSeconds: number;
  readonly breakerConsecutiveFailures: number;
  readonly breakerOpenForMs: number;
}

/** 5xx, 429, network failures and timeouts (cockatiel's `TaskCancelledError`) are worth another attempt. */
const isRetryable = (error: Error): boolean =>
  error instanceof TaskCancelledError || (error instanceof TokenServiceFailure && error.retryable);

/**
 * Backoff that honours the token service's `Retry-After` (capped by `maxRetryAfterSeconds`) and otherwise
 * uses cockatiel's exponential backoff with decorrelated jitter (100 ms … 2 s).
 */
export class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly maxRetryAfterSeconds: number,
    private readonly fallback: IBackoffFactory<unknown> = new ExponentialBackoff({
      initialDelay: 100,
      maxDelay: 2_000,
    }),
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const jittered = this.fallback.next(context);
    const failure = 'error' in context.result ? context.result.error : undefined;
    const retryAfter = failure instanceof TokenServiceFailure ? failure.details.retryAfterSeconds : undefined;
    const duration =
      retryAfter !== undefined ? Math.min(retryAfter, this.maxRetryAfterSeconds) * 1_000 : jittered.duration;
    return { duration, next: (ctx) => new RetryAfterBackoff(this.maxRetryAfterSeconds, jittered).next(ctx) };
  }
}

/** Whether a failure's `Retry-After` exceeds what the broker is willing to wait inside a request. */
export function retryAfterTooLong(error: unknown, maxRetryAfterSeconds: number): boolean {
  return (
    error instanceof TokenServiceFailure &&
    error.details.retryAfterSeconds !== undefined &&
    error.details.retryAfterSeconds > maxRetryAfterSeconds
  );
}

/** The circuit breaker of one authority: consecutive retryable failures open it for `breakerOpenForMs`. */
export function createAuthorityBreaker(
  options: Pick<TokenServicePolicyOptions, 'breakerConsecutiveFailures' | 'breakerOpenForMs'>,
): CircuitBreakerPolicy {
  return circuitBreaker(handleWhen(isRetryable), {
    halfOpenAfter: options.breakerOpenForMs,
    breaker: new ConsecutiveBreaker(options.breakerConsecutiveFailures),
  });
}

/**
 * Resilience of one downstream's token requests: retry (jittered, `Retry-After`-aware, 5xx/429/network/timeout
 * only) around the authority's shared circuit breaker around a per-attempt timeout. A timed-out attempt
 * surfaces as cockatiel's `TaskCancelledError` (retried, counted by the breaker).
 */
export function createTokenServicePolicy(
  options: TokenServicePolicyOptions,
  breaker: CircuitBreakerPolicy,
): IPolicy {
  const shouldRetry = handleWhen(
    (error) => isRetryable(error) && !retryAfterTooLong(error, options.maxRetryAfterSeconds),
  );
  const retryPolicy = retry(shouldRetry, {
    maxAttempts: options.retryAttempts,
    backoff: new RetryAfterBackoff(options.maxRetryAfterSeconds),
  });
  return wrap(retryPolicy, breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
}

export { BrokenCircuitError, TaskCancelledError };
