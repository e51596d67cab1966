import { RequestContext } from './request-context';
import { Deadline, DEADLINE_ANSWER_RESERVE_MS, requestDeadline } from './request-deadline';

describe('Deadline', () => {
  const start = Date.UTC(2026, 10, 28, 12, 0, 0);

  afterEach(() => jest.useRealTimers());

  it('keeps back a reserve for writing the answer: at most 250 ms, at most a tenth of the budget', () => {
    let now = start;
    expect(Deadline.of(start, 12_000, () => now).remainingMs()).toBe(12_000 - DEADLINE_ANSWER_RESERVE_MS);
    expect(Deadline.of(start, 1_000, () => now).remainingMs()).toBe(900);
    now = start + 20_000;
    expect(Deadline.of(start, 12_000, () => now).remainingMs()).toBe(0);
  });

  it('counts from when the current request was received, else from now', () => {
    const now = () => start + 5_000;
    const inRequest = RequestContext.run({ correlationId: 'c', receivedAtMs: start, hops: [] }, () =>
      requestDeadline(12_000, now),
    );
    expect(inRequest.remainingMs()).toBe(12_000 - 250 - 5_000);
    expect(requestDeadline(12_000, now).remainingMs()).toBe(12_000 - 250);
  });

  it('stops waiting for work at the deadline with the given error, and not before', async () => {
    jest.useFakeTimers({ now: start });
    const deadline = Deadline.of(Date.now(), 1_000);
    const slow = new Promise((resolve) => setTimeout(resolve, 5_000, 'late'));
    const waited = deadline.bound(slow, () => new Error('budget spent')).catch((e: Error) => e.message);
    await jest.advanceTimersByTimeAsync(899);
    let settled = false;
    void waited.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(waited).resolves.toBe('budget spent');
    expect(Date.now() - start).toBe(900);
  });

  it('returns the work’s result when it comes first', async () => {
    const deadline = Deadline.of(Date.now(), 10_000);
    await expect(deadline.bound(Promise.resolve('token'), () => new Error('x'))).resolves.toBe('token');
  });
});
