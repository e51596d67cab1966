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

import type { Deadline } from '../context/request-deadline';
import { TokenServiceFailure } from './token-acquirer.port';

/** Shortest attempt worth starting, in ms: with less left before the deadline, no (further) attempt. */
export const MIN_ATTEMPT_MS = 100;

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
 * uses cockatiel's exponential backoff with decorrelated jitter (100 ms … 2 s); with a deadline, no wait
 * runs past the point where one more attempt would still fit ({@link MIN_ATTEMPT_MS}).
 */
export class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly maxRetryAfterSeconds: number,
    private readonly deadline?: Deadline,
    private readonly fallback: IBackoffFactory<unknown> = new ExponentialBackoff({
      initialDelay: 100,
      maxDelay: 2_000,
    }),
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const jittered = this.fallback.next(context);
    const retryAfter = retryAfterOf('error' in context.result ? context.result.error : undefined);
    const wanted =
      retryAfter !== undefined ? Math.min(retryAfter, this.maxRetryAfterSeconds) * 1_000 : jittered.duration;
    const duration = this.deadline
      ? Math.min(wanted, Math.max(0, this.deadline.remainingMs() - MIN_ATTEMPT_MS))
      : wanted;
    return {
      duration,
      next: (ctx) => new RetryAfterBackoff(this.maxRetryAfterSeconds, this.deadline, jittered).next(ctx),
    };
  }
}

function retryAfterOf(error: unknown): number | undefined {
  return error instanceof TokenServiceFailure ? error.details.retryAfterSeconds : undefined;
}

/** Whether waiting out the failure's `Retry-After` (if any) still leaves time for an attempt. */
export function retryFitsBefore(deadline: Deadline, error: unknown, maxRetryAfterSeconds: number): boolean {
  const retryAfter = retryAfterOf(error);
  const wait = retryAfter === undefined ? 0 : Math.min(retryAfter, maxRetryAfterSeconds) * 1_000;
  return deadline.remainingMs() - wait >= MIN_ATTEMPT_MS;
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

/** One token acquisition run through the policy. */
export interface TokenServicePolicy {
  execute<T>(attempt: () => Promise<T>): Promise<T>;
}

/**
 * Resilience of one acquisition: retry (jittered, `Retry-After`-aware, 5xx/429/network/timeout only) around
 * the authority's shared circuit breaker around a per-attempt timeout — all inside `deadline`: an attempt
 * gets at most the time left, and no retry starts whose wait would leave less than {@link MIN_ATTEMPT_MS}.
 * A timed-out attempt surfaces as cockatiel's `TaskCancelledError` (retried, counted by the breaker).
 */
export function createTokenServicePolicy(
  options: TokenServicePolicyOptions,
  breaker: CircuitBreakerPolicy,
  deadline: Deadline,
): TokenServicePolicy {
  const shouldRetry = handleWhen(
    (error) =>
      isRetryable(error) &&
      !retryAfterTooLong(error, options.maxRetryAfterSeconds) &&
      retryFitsBefore(deadline, error, options.maxRetryAfterSeconds),
  );
  const retryPolicy = retry(shouldRetry, {
    maxAttempts: options.retryAttempts,
    backoff: new RetryAfterBackoff(options.maxRetryAfterSeconds, deadline),
  });
  const outer: IPolicy = wrap(retryPolicy, breaker);
  return {
    execute: <T>(attempt: () => Promise<T>): Promise<T> =>
      // A signal per execution: cockatiel would otherwise hang every listener on one shared signal.
      outer.execute(({ signal }) => {
        const ms = Math.max(1, Math.min(options.timeoutMs, deadline.remainingMs()));
        return timeout(ms, TimeoutStrategy.Aggressive).execute(() => attempt(), signal);
      }, new AbortController().signal),
  };
}

export { BrokenCircuitError, TaskCancelledError };
