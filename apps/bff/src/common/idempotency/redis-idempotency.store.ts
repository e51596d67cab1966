import type { OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

import { AnswerCipher } from './answer-cipher';
import { type IdempotencyBegin, type IdempotencySettings, IdempotencyStore } from './idempotency.store';

/** Prefix of the store's Redis keys (each followed by the scope: a hash, never a user id or key). */
export const IDEMPOTENCY_KEY_PREFIX = 'entra-api-chain:idempotency';
/** Time budget of one Redis command, in milliseconds. */
const COMMAND_TIMEOUT_MS = 1_000;

/** Deletes the key only while it still holds this request's in-progress marker. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Stores the answer only while the key still holds this request's in-progress marker. */
const COMPLETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return 0`;

interface Stored {
  /** The fingerprint of the request that owns the key. */
  readonly f: string;
  /** The sealed answer, once there is one. */
  readonly a?: string;
}

/**
 * {@link IdempotencyStore} in Redis, shared by BFF replicas (a retry may reach another replica): a key is
 * claimed with `SET NX PX <lease>`, its answer stored (encrypted, bound to the key) with a TTL. Bounded in
 * time by the TTL and the lease; in size by the Redis server's memory policy. Errors surface to the
 * interceptor, which then lets the request through (the write still carries its key downstream).
 */
export class RedisIdempotencyStore extends IdempotencyStore implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly cipher: AnswerCipher;

  constructor(
    url: string,
    encryptionKey: string,
    private readonly settings: IdempotencySettings,
    private readonly prefix = IDEMPOTENCY_KEY_PREFIX,
  ) {
    super();
    this.cipher = new AnswerCipher(encryptionKey);
    // Commands issued before the connection is up wait for it (the offline queue), at most the command
    // timeout; with Redis down each fails after that and the interceptor lets the request through.
    this.redis = new Redis(url, {
      lazyConnect: true,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  async begin(scope: string, fingerprint: string): Promise<IdempotencyBegin> {
    const key = this.keyOf(scope);
    for (let attempt = 0; attempt < 2; attempt++) {
      const claimed = await this.redis.set(key, marker(fingerprint), 'PX', this.settings.leaseMs, 'NX');
      if (claimed === 'OK') return { kind: 'started' };
      const raw = await this.redis.get(key);
      if (raw === null) continue; // expired between the two commands: claim again
      const stored = JSON.parse(raw) as Stored;
      if (stored.f !== fingerprint) return { kind: 'mismatch' };
      if (stored.a === undefined) return { kind: 'in-progress' };
      const answer = this.cipher.open(stored.a, key);
      if (answer !== undefined) return { kind: 'replay', body: JSON.parse(answer) as unknown };
      return { kind: 'in-progress' };
    }
    return { kind: 'in-progress' };
  }

  async complete(scope: string, fingerprint: string, body: unknown): Promise<void> {
    const key = this.keyOf(scope);
    const value = JSON.stringify({ f: fingerprint, a: this.cipher.seal(JSON.stringify(body), key) });
    await this.redis.eval(COMPLETE, 1, key, marker(fingerprint), value, this.settings.ttlMs);
  }

  async release(scope: string, fingerprint: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keyOf(scope), marker(fingerprint));
  }

  /** Keys under the prefix (a SCAN: for benchmarks and tests, not for the request path). */
  async size(): Promise<number> {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private keyOf(scope: string): string {
    return `${this.prefix}:${scope}`;
  }
}

function marker(fingerprint: string): string {
  return JSON.stringify({ f: fingerprint } satisfies Stored);
}
