import { ConstantBackoff, type IRetryBackoffContext } from 'cockatiel';

import { Deadline } from '../context/request-deadline';
import { TokenServiceFailure } from './token-acquirer.port';
import { MIN_ATTEMPT_MS, RetryAfterBackoff, retryFitsBefore } from './token-service.policy';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const failure = (retryAfterSeconds?: number) =>
  new TokenServiceFailure({ kind: 'unavailable', status: 503, retryAfterSeconds });
const failed = (retryAfterSeconds?: number): IRetryBackoffContext<unknown> => ({
  attempt: 1,
  signal: new AbortController().signal,
  result: { error: failure(retryAfterSeconds) },
});

describe('token-service policy within a deadline (frozen clock)', () => {
  // 1 000 ms of budget keeps a 100 ms reserve: 900 ms left at NOW.
  const deadline = Deadline.of(NOW, 1_000, () => NOW);

  it('never backs off past the point where one more attempt still fits', () => {
    const backoff = new RetryAfterBackoff(5, deadline, new ConstantBackoff(2_000));
    expect(backoff.next(failed()).duration).toBe(900 - MIN_ATTEMPT_MS);
    expect(new RetryAfterBackoff(5, undefined, new ConstantBackoff(2_000)).next(failed()).duration).toBe(
      2_000,
    );
  });

  it('honours a Retry-After (capped) and retries only when waiting it out leaves time for an attempt', () => {
    expect(new RetryAfterBackoff(5, undefined).next(failed(9)).duration).toBe(5_000);
    expect(retryFitsBefore(deadline, failure(0), 5)).toBe(true);
    expect(retryFitsBefore(deadline, failure(1), 5)).toBe(false);
  });
});
