import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';

import type { AuthenticatedPrincipal } from './principal';

interface Entry {
  readonly principal: AuthenticatedPrincipal;
  readonly kid: string;
  readonly expiresAtMs: number;
}

/**
 * Bounded cache of tokens whose signature and claims were already checked, keyed by a SHA-256 of
 * the token (the token itself is never a key). An entry never outlives the token's `exp`, and is
 * used only while its signing key is still trusted; route requirements still run on every request.
 */
export class ValidatedTokenCache {
  private readonly entries: LRUCache<string, Entry> | undefined;

  constructor(maxEntries: number) {
    this.entries = maxEntries > 0 ? new LRUCache<string, Entry>({ max: maxEntries }) : undefined;
  }

  /** The cache key of a token (a hash; the token itself is never stored as a key). */
  idOf(token: string): string {
    return this.entries ? hashOf(token) : '';
  }

  get(id: string, keyStillTrusted: (kid: string) => boolean): AuthenticatedPrincipal | undefined {
    if (!this.entries) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now() || !keyStillTrusted(entry.kid)) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.principal;
  }

  set(id: string, kid: string, principal: AuthenticatedPrincipal): void {
    if (!this.entries) return;
    const expiresAtMs = principal.expiresAt * 1000;
    if (expiresAtMs > Date.now()) this.entries.set(id, { principal, kid, expiresAtMs });
  }

  clear(): void {
    this.entries?.clear();
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
