import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

import type { TokenBrokerEvents } from './token-broker.events';
import type { CachedToken } from './token-cache';
import { TokenCipher } from './token-crypto';

/**
 * The shared (L2) side of the token cache and the cross-replica acquisition lease. Every method resolves;
 * a failing store answers "nothing there" / "no lease needed" so a request never fails because of it.
 */
export interface SharedTokenStore {
  /** Whether the store is usable right now (connected). */
  readonly available: boolean;
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, token: CachedToken, nowMs: number): Promise<void>;
  /**
   * Drops the entry (a token a downstream refused). Optional for stores written before it existed: without
   * it the broker still never serves the refused token again, but other replicas may read it once more.
   */
  delete?(key: string): Promise<void>;
  /** `SET NX PX`: true when this replica now holds the lease, false when another does. */
  tryLease(key: string, ms: number): Promise<boolean>;
  releaseLease(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the {@link SharedTokenStore}. */
export const SHARED_TOKEN_STORE = Symbol('SHARED_TOKEN_STORE');

/** No shared cache configured: every lookup misses, every lease is granted. */
export class NoSharedTokenStore implements SharedTokenStore {
  readonly available = false;
  async get(): Promise<undefined> {
    return undefined;
  }
  async set(): Promise<void> {}
  async delete(): Promise<void> {}
  async tryLease(): Promise<boolean> {
    return true;
  }
  async releaseLease(): Promise<void> {}
  async close(): Promise<void> {}
}

const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const WARN_EVERY_MS = 30_000;

/** Settings of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  readonly url: string;
  readonly encryptionKey: string;
  readonly commandTimeoutMs: number;
}

/**
 * L2 in Redis (ioredis). Values are AES-256-GCM sealed with the Redis key as AAD; keys carry hashes only;
 * TTL = token expiry. `enableOfflineQueue: false` and a short `commandTimeout` make a dead or paused Redis
 * fail fast instead of holding requests; failures become a (rate-limited) warning and an `l2-error` event.
 */
export class RedisTokenStore implements SharedTokenStore {
  private readonly logger = new Logger('TokenBroker');
  private readonly redis: Redis;
  private readonly cipher: TokenCipher;
  private readonly owner = randomUUID();
  private lastWarnMs = 0;

  constructor(
    options: RedisTokenStoreOptions,
    private readonly events: TokenBrokerEvents,
  ) {
    this.cipher = new TokenCipher(options.encryptionKey);
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 250, 2_000),
    });
    this.redis.on('error', (error: Error) => this.fail('connection', error));
  }

  get available(): boolean {
    return this.redis.status === 'ready';
  }

  /** Resolves once connected, or after `ms` (boot goes on without L2 rather than waiting for Redis). */
  async whenReady(ms: number): Promise<void> {
    if (this.available) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const sealed = await this.attempt('get', () => this.redis.get(key));
    if (!sealed) return undefined;
    const plain = this.cipher.open(sealed, key);
    if (plain === undefined) {
      this.fail('decrypt', new Error('an L2 entry did not decrypt (wrong key or tampered); ignored'));
      return undefined;
    }
    const parsed = JSON.parse(plain) as { t?: unknown; e?: unknown };
    return typeof parsed.t === 'string' && typeof parsed.e === 'number'
      ? { accessToken: parsed.t, expiresOnMs: parsed.e }
      : undefined;
  }

  async set(key: string, token: CachedToken, nowMs: number): Promise<void> {
    const ttl = Math.floor(token.expiresOnMs - nowMs);
    if (ttl <= 0) return;
    const sealed = this.cipher.seal(JSON.stringify({ t: token.accessToken, e: token.expiresOnMs }), key);
    await this.attempt('set', () => this.redis.set(key, sealed, 'PX', ttl));
  }

  async delete(key: string): Promise<void> {
    await this.attempt('delete', () => this.redis.del(key));
  }

  async tryLease(key: string, ms: number): Promise<boolean> {
    const result = await this.attempt('lease', () =>
      this.redis.set(`${key}:lease`, this.owner, 'PX', ms, 'NX'),
    );
    // No answer from Redis → behave as if alone: acquire rather than wait for a store that is not there.
    return result === undefined || result === 'OK';
  }

  async releaseLease(key: string): Promise<void> {
    await this.attempt('release', () => this.redis.eval(RELEASE_SCRIPT, 1, `${key}:lease`, this.owner));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async attempt<T>(operation: string, command: () => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    try {
      return await command();
    } catch (error) {
      this.fail(operation, error);
      return undefined;
    }
  }

  private fail(operation: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.events.emit('l2-error', { operation, message });
    const now = Date.now();
    if (now - this.lastWarnMs < WARN_EVERY_MS) return;
    this.lastWarnMs = now;
    this.logger.warn(
      `token cache L2 (Redis) ${operation} failed: ${message}; serving from L1 and the token service`,
    );
  }
}
