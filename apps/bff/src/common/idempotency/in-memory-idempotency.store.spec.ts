import { DEFAULT_IDEMPOTENCY_SETTINGS } from './idempotency.store';
import { InMemoryIdempotencyStore } from './in-memory-idempotency.store';

describe('InMemoryIdempotencyStore', () => {
  let now = 1_000_000;
  const clock = () => now;
  const store = (overrides: Partial<typeof DEFAULT_IDEMPOTENCY_SETTINGS> = {}) =>
    new InMemoryIdempotencyStore({ ...DEFAULT_IDEMPOTENCY_SETTINGS, ...overrides }, clock);

  beforeEach(() => (now = 1_000_000));

  it('starts a new key, reports it in progress, then replays its answer for the same fingerprint only', async () => {
    const s = store();
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'started' });
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'in-progress' });
    await expect(s.begin('k', 'other')).resolves.toEqual({ kind: 'mismatch' });
    await s.complete('k', 'fp', { id: 1 });
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'replay', body: { id: 1 } });
    await expect(s.begin('k', 'other')).resolves.toEqual({ kind: 'mismatch' });
  });

  it('forgets an answer after the TTL and an abandoned key after the lease', async () => {
    const s = store({ ttlMs: 10_000, leaseMs: 1_000 });
    await s.begin('done', 'fp');
    await s.complete('done', 'fp', 'answer');
    await s.begin('stuck', 'fp');
    now += 1_000;
    await expect(s.begin('stuck', 'fp')).resolves.toEqual({ kind: 'started' });
    await expect(s.begin('done', 'fp')).resolves.toEqual({ kind: 'replay', body: 'answer' });
    now += 9_000;
    await expect(s.begin('done', 'fp')).resolves.toEqual({ kind: 'started' });
  });

  it('releases a key in progress, but never a completed one or one owned by another fingerprint', async () => {
    const s = store();
    await s.begin('k', 'fp');
    await s.release('k', 'other');
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'in-progress' });
    await s.release('k', 'fp');
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'started' });
    await s.complete('k', 'fp', 1);
    await s.release('k', 'fp');
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'replay', body: 1 });
  });

  it('holds at most maxEntries keys, evicting the least recently used', async () => {
    const s = store({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await s.begin(key, 'fp');
      await s.complete(key, 'fp', key);
    }
    expect(await s.size()).toBe(3);
    await expect(s.begin('a', 'fp')).resolves.toEqual({ kind: 'started' });
    await expect(s.begin('e', 'fp')).resolves.toEqual({ kind: 'replay', body: 'e' });
  });

  it('never records an answer for a key it does not hold (released or expired meanwhile)', async () => {
    const s = store({ leaseMs: 1_000 });
    await s.begin('k', 'fp');
    now += 1_000;
    await s.complete('k', 'fp', 'late');
    await expect(s.begin('k', 'fp')).resolves.toEqual({ kind: 'started' });
  });
});
