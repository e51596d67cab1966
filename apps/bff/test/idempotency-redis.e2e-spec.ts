import { randomUUID } from 'node:crypto';

import { redisForSuite } from '@chain/testing';
import Redis from 'ioredis';

import { DEFAULT_IDEMPOTENCY_SETTINGS } from '../src/common/idempotency/idempotency.store';
import { RedisIdempotencyStore } from '../src/common/idempotency/redis-idempotency.store';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const KEY = Buffer.alloc(32, 9).toString('base64');

const redisUp = redisForSuite(REDIS_URL, 'the shared idempotency store tests');

(redisUp ? describe : describe.skip)('RedisIdempotencyStore (two replicas, real Redis)', () => {
  let prefix: string;
  let replicas: RedisIdempotencyStore[];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
  });
  afterAll(() => redis.disconnect());

  beforeEach(() => {
    prefix = `test:idempotency:${randomUUID()}`;
    const settings = { ...DEFAULT_IDEMPOTENCY_SETTINGS, leaseMs: 5_000, ttlMs: 60_000 };
    replicas = [0, 1].map(() => new RedisIdempotencyStore(REDIS_URL, KEY, settings, prefix));
  });
  afterEach(async () => {
    replicas.forEach((r) => r.onApplicationShutdown());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it('lets one replica claim a key, tells the other it is in progress, then replays the answer there', async () => {
    const [a, b] = replicas as [RedisIdempotencyStore, RedisIdempotencyStore];
    await expect(a.begin('scope-1', 'fp')).resolves.toEqual({ kind: 'started' });
    await expect(b.begin('scope-1', 'fp')).resolves.toEqual({ kind: 'in-progress' });
    await expect(b.begin('scope-1', 'other')).resolves.toEqual({ kind: 'mismatch' });
    await a.complete('scope-1', 'fp', { id: 'prog-1', name: 'Northwind' });
    await expect(b.begin('scope-1', 'fp')).resolves.toEqual({
      kind: 'replay',
      body: { id: 'prog-1', name: 'Northwind' },
    });
    await expect(b.size()).resolves.toBe(1);
  });

  it('releases a failed request so that the retry, on either replica, runs again', async () => {
    const [a, b] = replicas as [RedisIdempotencyStore, RedisIdempotencyStore];
    await a.begin('scope-2', 'fp');
    await b.release('scope-2', 'other');
    await expect(b.begin('scope-2', 'fp')).resolves.toEqual({ kind: 'in-progress' });
    await a.release('scope-2', 'fp');
    await expect(b.begin('scope-2', 'fp')).resolves.toEqual({ kind: 'started' });
  });

  it('keeps the answer sealed and bound to its key, with the TTL as its bound in time', async () => {
    const [a] = replicas as [RedisIdempotencyStore];
    await a.begin('scope-3', 'fp');
    await a.complete('scope-3', 'fp', { name: 'Northwind warehouses' });
    const key = `${prefix}:scope-3`;
    const raw = (await redis.get(key)) ?? '';
    expect(raw).not.toContain('Northwind');
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    await redis.set(`${prefix}:scope-4`, raw, 'PX', 60_000);
    // Copied under another key, the answer does not open: never served to another scope.
    await expect(a.begin('scope-4', 'fp')).resolves.toEqual({ kind: 'in-progress' });
  });
});
