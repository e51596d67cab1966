import { LRUCache } from 'lru-cache';

import { type IdempotencyBegin, type IdempotencySettings, IdempotencyStore } from './idempotency.store';

interface Entry {
  readonly fingerprint: string;
  readonly expiresAt: number;
  /** Absent while the request is in progress. */
  readonly answer?: { readonly body: unknown };
}

/**
 * {@link IdempotencyStore} in this process: an LRU bounded by `maxEntries`, each entry expiring after
 * `ttlMs` (completed) or `leaseMs` (in progress), judged on the injected clock.
 */
export class InMemoryIdempotencyStore extends IdempotencyStore {
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    private readonly settings: IdempotencySettings,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.entries = new LRUCache<string, Entry>({ max: settings.maxEntries });
  }

  async begin(scope: string, fingerprint: string): Promise<IdempotencyBegin> {
    const entry = this.live(scope);
    if (entry === undefined) {
      this.entries.set(scope, { fingerprint, expiresAt: this.now() + this.settings.leaseMs });
      return { kind: 'started' };
    }
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return entry.answer === undefined ? { kind: 'in-progress' } : { kind: 'replay', body: entry.answer.body };
  }

  async complete(scope: string, fingerprint: string, body: unknown): Promise<void> {
    if (this.live(scope)?.fingerprint !== fingerprint) return;
    this.entries.set(scope, { fingerprint, expiresAt: this.now() + this.settings.ttlMs, answer: { body } });
  }

  async release(scope: string, fingerprint: string): Promise<void> {
    const entry = this.entries.peek(scope);
    if (entry?.fingerprint === fingerprint && entry.answer === undefined) this.entries.delete(scope);
  }

  async size(): Promise<number> {
    return this.entries.size;
  }

  private live(scope: string): Entry | undefined {
    const entry = this.entries.get(scope);
    if (entry === undefined || entry.expiresAt > this.now()) return entry;
    this.entries.delete(scope);
    return undefined;
  }
}
