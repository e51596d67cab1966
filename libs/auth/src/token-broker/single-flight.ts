/**
 * In-process single-flight: concurrent callers of `run(key, fn)` share one execution of `fn` per key until it
 * settles (msal-node has none: 200 concurrent cold calls make 200 token requests, docs/entra-protocol.md#msal-behaviour-the-code-relies-on).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** Runs `fn` unless a run for `key` is in flight, in which case its promise is shared. */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const started = fn().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Whether a run for `key` is in flight. */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Number of keys in flight. */
  get size(): number {
    return this.inFlight.size;
  }
}
