import { RequestContext } from './request-context';

/** The most kept back from a request's budget to write the answer before the deadline, in ms. */
export const DEADLINE_ANSWER_RESERVE_MS = 250;

/**
 * The moment by which the work for one incoming request must be over, so that its answer — a result, or
 * a 503/504 with `Retry-After` — leaves before the request's time budget is spent. Token acquisition and
 * downstream calls of the request share it: no attempt, retry or wait is started that would end after it.
 */
export class Deadline {
  private constructor(
    /** Epoch ms (on `now`'s clock) by which the work must be over. */
    readonly atMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * The deadline of work given `budgetMs` from `startMs`, less what writing the answer needs
   * ({@link DEADLINE_ANSWER_RESERVE_MS}, at most a tenth of the budget).
   */
  static of(startMs: number, budgetMs: number, now: () => number = Date.now): Deadline {
    const reserve = Math.min(DEADLINE_ANSWER_RESERVE_MS, Math.floor(budgetMs / 10));
    return new Deadline(startMs + budgetMs - reserve, now);
  }

  /** Milliseconds left (never negative). */
  remainingMs(): number {
    return Math.max(0, this.atMs - this.now());
  }

  /** Whether at least `ms` are left. */
  allows(ms: number): boolean {
    return this.remainingMs() >= ms;
  }

  /**
   * Waits for `work` until the deadline: past it, rejects with `onExpiry()` (the work goes on; its result
   * is someone else's, e.g. a shared acquisition that fills the cache).
   */
  async bound<T>(work: Promise<T>, onExpiry: () => Error): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(onExpiry()), this.remainingMs());
      timer.unref();
    });
    try {
      return await Promise.race([work, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The deadline of the current incoming request: `budgetMs` after it was received (the correlation
 * middleware notes when), or after now when there is no request (a background job, a script).
 */
export function requestDeadline(budgetMs: number, now: () => number = Date.now): Deadline {
  return Deadline.of(RequestContext.current()?.receivedAtMs ?? now(), budgetMs, now);
}
