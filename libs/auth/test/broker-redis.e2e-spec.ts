import { randomUUID } from 'node:crypto';

import { redisForSuite } from '@chain/testing';
import Redis from 'ioredis';

import {
  type BrokerEmulator,
  countFor,
  PRICING_CLIENT_ID,
  PROGRAM_CLIENT_ID,
  signInAll,
  startBrokerEmulator,
} from './support/broker-emulator';
import {
  bffOptions,
  type BrokerRig,
  ENCRYPTION_KEY,
  principalOf,
  REDIS_URL,
  startBroker,
  startRedisProxy,
} from './support/broker-rig';

/*
 * Two broker instances (two "replicas") sharing the real Redis at REDIS_URL (default 127.0.0.1:6379) as L2,
 * against the in-process identity emulator. Each test uses its own key prefix, so every run starts cold.
 */
const redisUp = redisForSuite(REDIS_URL, 'the shared-cache broker tests');

(redisUp ? describe : describe.skip)('TokenBroker replicas sharing Redis', () => {
  let env: BrokerEmulator;
  let tokens: Map<string, string>;
  let rigs: BrokerRig[] = [];
  let redis: Redis;

  beforeAll(async () => {
    env = await startBrokerEmulator(20);
    tokens = await signInAll(env, env.users);
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    await redis.connect();
  });

  afterEach(async () => {
    await Promise.all(rigs.map((r) => r.close()));
    rigs = [];
  });

  afterAll(async () => {
    const stale = await redis.keys('test:*:' + '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22:*');
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();
    await env.stop();
  });

  const replicas = async (prefix: string, redisUrl = REDIS_URL): Promise<[BrokerRig, BrokerRig]> => {
    const options = bffOptions(env, 'http://127.0.0.1:9', {
      // Generous lease and command timeouts: these tests check the mechanism (one request between
      // replicas), not how it degrades on a starved CI core (bench P4 measures the defaults).
      cache: {
        redisUrl,
        encryptionKey: ENCRYPTION_KEY,
        keyPrefix: prefix,
        leaseMs: 15_000,
        redisCommandTimeoutMs: 2_000,
      },
    });
    rigs = [await startBroker(options), await startBroker(options)];
    return rigs as [BrokerRig, BrokerRig];
  };
  const principal = (i: number) => principalOf(tokens.get(env.users[i]!.oid)!);

  it('makes one token request per user across two cold replicas under a burst', async () => {
    const [a, b] = await replicas(`test:${randomUUID()}`);
    await env.resetTokenRequests();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => principal(i)).flatMap((p) =>
        Array.from({ length: 5 }, () => [
          a.broker.forUser('PROGRAM', p),
          b.broker.forUser('PROGRAM', p),
        ]).flat(),
      ),
    );
    expect(countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID)).toBe(20);
  });

  it('makes one client-credentials token request across two cold replicas', async () => {
    const [a, b] = await replicas(`test:${randomUUID()}`);
    await env.resetTokenRequests();
    await Promise.all(
      Array.from({ length: 100 }, () => [a.broker.forApp('PRICING'), b.broker.forApp('PRICING')]).flat(),
    );
    expect(countFor(await env.tokenRequests(), 'client_credentials', PRICING_CLIENT_ID)).toBe(1);
  });

  it('serves the second replica from L2 for an on-behalf-of token', async () => {
    const [a, b] = await replicas(`test:${randomUUID()}`);
    const first = await a.broker.forUser('PROGRAM', principal(0));
    await env.resetTokenRequests();
    const second = await b.broker.forUser('PROGRAM', principal(0));
    expect(second.accessToken).toBe(first.accessToken);
    expect(b.events.stats()['PROGRAM']?.l2Hits).toBe(1);
    expect((await env.tokenRequests()).total).toBe(0);
  });

  it('drops a token a downstream refused from Redis, even when no replacement can be had', async () => {
    const prefix = `test:${randomUUID()}`;
    const [a, b] = await replicas(prefix);
    const first = await a.broker.forApp('PRICING');
    await expect(b.broker.forApp('PRICING')).resolves.toMatchObject({ accessToken: first.accessToken });
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(1);
    await env.addFault({ match: { grant: 'client_credentials' }, status: 400, count: 1 });
    await expect(b.broker.forApp('PRICING', { refused: first })).rejects.toMatchObject({
      code: 'token_service_rejected',
    });
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(0);
    await env.clearFaults();
  });

  it('stores no token in plaintext and no token material in key names', async () => {
    const prefix = `test:${randomUUID()}`;
    const [a] = await replicas(prefix);
    await Promise.all([0, 1, 2].map((i) => a.broker.forUser('PROGRAM', principal(i))));
    await a.broker.forApp('PRICING');
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys).toHaveLength(4);
    const values = await Promise.all(keys.map((k) => redis.get(k)));
    for (const value of values) expect(value).not.toContain('eyJ');
    for (const key of keys) expect(key).not.toContain('eyJ');
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(3_000_000);
  });

  it('loses no request when Redis goes away mid-test', async () => {
    const proxy = await startRedisProxy();
    const [a, b] = await replicas(`test:${randomUUID()}`, proxy.url);
    const run = (round: number) =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          [a, b][(i + round) % 2]!.broker.forUser('PROGRAM', principal(i)),
        ).concat([a.broker.forApp('PRICING')]),
      );
    const before = await Promise.allSettled([run(0), run(1)]);
    await proxy.kill();
    const during = await Promise.allSettled([run(2), run(3), run(4)]);
    expect([...before, ...during].every((r) => r.status === 'fulfilled')).toBe(true);
  });
});
