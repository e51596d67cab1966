import { LRUCache } from 'lru-cache';

import type { DownstreamFlow } from './token-broker.options';
import { sha256 } from './token-crypto';

/** A cached downstream token. */
export interface CachedToken {
  readonly accessToken: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresOnMs: number;
}

/** The parts a cache key is built from. */
export interface TokenCacheKeyParts {
  readonly prefix: string;
  readonly clientId: string;
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  /** On-behalf-of: SHA-256 (base64url) of the incoming assertion; the assertion itself never enters a key. */
  readonly assertionHash?: string;
}

/**
 * The key of one token in L1 and L2: readable names (client, downstream, flow) and a hash of the scopes and
 * of the assertion hash — no token material. One key per (downstream, flow, scopes, incoming assertion).
 */
export function tokenCacheKey(parts: TokenCacheKeyParts): string {
  const scopes = [...parts.scopes].sort().join(' ');
  const subject = parts.assertionHash ?? 'app';
  return `${parts.prefix}:${parts.clientId}:${parts.downstream}:${parts.flow}:${sha256(`${scopes}|${subject}`)}`;
}

/**
 * L1: bounded in-memory LRU. Expiry is checked against the broker's clock on read (so tests can freeze
 * time), and entries are dropped once expired.
 */
export class L1TokenCache {
  private readonly lru: LRUCache<string, CachedToken>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, CachedToken>({ max: maxEntries });
  }

  /** The entry for `key` if it has not expired at `nowMs`. */
  get(key: string, nowMs: number): CachedToken | undefined {
    const entry = this.lru.get(key);
    if (entry && entry.expiresOnMs <= nowMs) {
      this.lru.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, token: CachedToken): void {
    this.lru.set(key, token);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }
}
