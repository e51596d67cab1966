import type { Directory, TenantView } from '../tenant/directory';
import { opaque } from '../tokens/jwt';
import type { UserSubject } from '../tokens/token-factory';

/** A small in-memory map whose entries expire; expired entries are dropped on access and on a timer. */
export class ExpiringStore<T extends { readonly expiresAtMs: number }> {
  private readonly entries = new Map<string, T>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly nowMs: () => number) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  put(value: T, key: string = opaque()): string {
    this.entries.set(key, value);
    return key;
  }

  /** The entry, or `expired` if it existed but its time is up, or undefined. */
  get(key: string): T | 'expired' | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    if (value.expiresAtMs <= this.nowMs()) return 'expired';
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [key, value] of this.entries) if (value.expiresAtMs <= now) this.entries.delete(key);
  }
}

/** What an authorization code stands for (single use; Entra's codes live about ten minutes). */
export interface CodeRecord {
  readonly tid: string;
  readonly policy?: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly claims?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly user: UserSubject;
  readonly expiresAtMs: number;
  redeemed: boolean;
}

/** What a refresh token stands for: the user's sign-in (with its factors) for one client. */
export interface RefreshRecord {
  readonly tid: string;
  readonly policy?: string;
  readonly clientId: string;
  readonly user: UserSubject;
  readonly expiresAtMs: number;
}

/**
 * The tenant a code or refresh token belongs to, if it may be redeemed at `requestTenant`: its own tenant,
 * or any tenant's at `/organizations` / `/common` (whose tokens are then the user's tenant's).
 */
export function grantTenant(
  record: { readonly tid: string },
  requestTenant: TenantView,
  directory: Directory,
): TenantView | undefined {
  if (requestTenant.authority === undefined)
    return record.tid === requestTenant.id ? requestTenant : undefined;
  return directory.tenant(record.tid);
}

export const CODE_LIFETIME_MS = 10 * 60_000;
/** SPA refresh tokens are capped at 24 h (AADSTS700084); others (mobile and desktop apps too) live 90 days. */
export const SPA_REFRESH_LIFETIME_SECONDS = 86_400;
export const REFRESH_LIFETIME_SECONDS = 90 * 86_400;
