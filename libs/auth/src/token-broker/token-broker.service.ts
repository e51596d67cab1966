import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import { Deadline, requestDeadline } from '../context/request-deadline';
import { resourceOfScope, TokenBrokerConfigError } from './downstream-declarations.schema';
import { SHARED_TOKEN_STORE, type SharedTokenStore } from './shared-token.store';
import { SingleFlight } from './single-flight';
import { TOKEN_ACQUIRER, type TokenAcquirer } from './token-acquirer.port';
import {
  delegatedUserCannotObo,
  delegationRequiresUser,
  oboRequiresUser,
  TokenBrokerError,
} from './token-broker.errors';
import { TokenBrokerEvents } from './token-broker.events';
import { DownstreamFlow } from './token-broker.options';
import { TOKEN_BROKER_SETTINGS, type TokenBrokerSettings } from './token-broker.settings';
import {
  type AcquireOptions,
  type BrokerClock,
  type BrokeredToken,
  type BrokerPrincipal,
  TOKEN_BROKER_CLOCK,
  type TokenSource,
} from './token-broker.types';
import { type CachedToken, L1TokenCache, tokenCacheKey } from './token-cache';
import { sha256 } from './token-crypto';
import { tokenBudgetSpent } from './token-error.mapper';
import { TokenServiceCaller } from './token-service.caller';
import { UserDelegationMinter } from './user-delegation.minter';

interface Acquisition {
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  readonly key: string;
  readonly assertion?: string;
  /** OBO: the assertion's expiry (ms); a background refresh runs only while it is still valid. */
  readonly assertionExpiresMs?: number;
  readonly claims?: string;
  readonly retryAttempts: number;
  /** When the acquisition must be over: the incoming request's deadline. */
  readonly deadline: Deadline;
  /** A token a downstream refused: evicted from the caches and never served again. */
  readonly refused?: string;
}

export type { AcquireOptions, BrokerClock, BrokeredToken, BrokerPrincipal, TokenSource };
export { TOKEN_BROKER_CLOCK };

/**
 * Obtains downstream tokens: on-behalf-of the caller's user, as the app (client credentials), or as the app
 * with a signed proof of the user (verified delegation), per the declared downstream registry. Cache L1
 * (LRU) → L2 (Redis, encrypted) → token service, with one acquisition in flight per key in the process and a
 * Redis lease across replicas, background refresh ahead of expiry, and timeout / retry / circuit breaker
 * toward the authority.
 */
@Injectable()
export class TokenBroker implements OnApplicationShutdown {
  private readonly logger = new Logger('TokenBroker');
  private readonly l1: L1TokenCache;
  private readonly flights = new SingleFlight<CachedToken>();
  /**
   * Cache keys already computed, so that a request hashes nothing the previous one hashed: the app's own
   * (a few: per declared downstream, flow and scopes) and, per principal, its on-behalf-of keys (the
   * validated-token cache hands out the same principal for a repeated token; a new one is collected with it).
   */
  private readonly appKeys = new Map<string, string>();
  private readonly userKeys = new WeakMap<BrokerPrincipal, Map<string, string>>();
  private readonly caller: TokenServiceCaller;
  private readonly minter?: UserDelegationMinter;

  constructor(
    @Inject(TOKEN_BROKER_SETTINGS) private readonly settings: TokenBrokerSettings,
    @Inject(TOKEN_ACQUIRER) private readonly acquirer: TokenAcquirer,
    @Inject(SHARED_TOKEN_STORE) private readonly store: SharedTokenStore,
    @Inject(TOKEN_BROKER_CLOCK) private readonly clock: BrokerClock,
    private readonly events: TokenBrokerEvents,
  ) {
    this.l1 = new L1TokenCache(settings.l1MaxEntries);
    this.caller = new TokenServiceCaller(settings, acquirer, events, clock);
    if (settings.delegation)
      this.minter = new UserDelegationMinter(
        settings.delegation,
        settings.clientId,
        clock,
        settings.l1MaxEntries,
      );
  }

  /** Names of the declared downstreams. */
  downstreamNames(): string[] {
    return Object.keys(this.settings.downstreams);
  }

  /**
   * A token for downstream `name` on behalf of `principal`'s user (or, for a client-credentials downstream,
   * the app's own token; for a verified-delegation downstream, the app's own token plus a proof of the user
   * in `delegationProof`). An app-only principal is refused with 403 `obo_requires_user` /
   * `delegation_requires_user` unless the downstream declares `allowAppFallback`; a user who arrived by
   * verified delegation cannot be exchanged on-behalf-of (403 `obo_requires_user`).
   */
  async forUser(
    name: string,
    principal: BrokerPrincipal,
    options: AcquireOptions = {},
  ): Promise<BrokeredToken> {
    const decl = this.declaration(name);
    if (decl.flow === DownstreamFlow.ClientCredentials) return this.forApp(name, options);
    if (decl.flow === DownstreamFlow.VerifiedDelegation) return this.delegate(name, principal, options);
    if (principal.delegatedBy !== undefined) throw this.delegatedUserCannotObo(name, principal.delegatedBy);
    if (principal.kind !== 'user') {
      if (!decl.allowAppFallback) throw oboRequiresUser(name);
      const resource = resourceOfScope(decl.scopes.find((s) => s.includes('/')) ?? '');
      return this.obtain(
        this.acquisition(name, DownstreamFlow.ClientCredentials, [`${resource}/.default`], options),
      );
    }
    const assertion = principal.rawToken();
    return this.obtain({
      ...this.acquisition(
        name,
        DownstreamFlow.OnBehalfOf,
        decl.scopes,
        options,
        this.oboKey(name, principal),
      ),
      assertion,
      assertionExpiresMs: principal.expiresAt * 1_000,
    });
  }

  /** The app's own token (client credentials) for downstream `name`, which must be declared client-credentials. */
  async forApp(name: string, options: AcquireOptions = {}): Promise<BrokeredToken> {
    const decl = this.declaration(name);
    if (decl.flow !== DownstreamFlow.ClientCredentials) {
      throw new TokenBrokerConfigError([
        `downstream "${name}" is declared ${decl.flow}; call it with forUser(name, principal)`,
      ]);
    }
    return this.obtain(this.acquisition(name, DownstreamFlow.ClientCredentials, decl.scopes, options));
  }

  /**
   * Verified delegation: the app's client-credentials token (same cache, single-flight and lease as
   * {@link forApp}) and a proof of the user bound to it, re-used until shortly before it expires.
   */
  private async delegate(
    name: string,
    principal: BrokerPrincipal,
    options: AcquireOptions,
  ): Promise<BrokeredToken> {
    const decl = this.declaration(name);
    const cc = this.acquisition(name, DownstreamFlow.ClientCredentials, decl.scopes, options);
    if (principal.kind !== 'user') {
      if (!decl.allowAppFallback) throw delegationRequiresUser(name);
      return this.obtain(cc);
    }
    const minter = this.minter;
    if (!minter) throw new TokenBrokerConfigError([`downstream "${name}" needs a delegation signing key`]);
    const started = this.clock.now();
    const token = await this.obtain(cc);
    const proof = minter.proofFor(name, decl, principal, token.accessToken);
    return redacted({
      accessToken: token.accessToken,
      delegationProof: proof,
      expiresOnMs: token.expiresOnMs,
      flow: DownstreamFlow.VerifiedDelegation,
      source: token.source,
      acquireMs: this.clock.now() - started,
    });
  }

  /** A configuration error, not the caller's: logged for operators, answered without a bare 500. */
  private delegatedUserCannotObo(name: string, delegatedBy: string): TokenBrokerError {
    this.logger.warn(
      `downstream "${name}" is declared on-behalf-of, but the user arrived by verified delegation (from ${delegatedBy}) and has no token to exchange; declare it verified-delegation (DOWNSTREAM_APIS__${name.toUpperCase()}__FLOW)`,
    );
    return delegatedUserCannotObo(name);
  }

  /** The validated declaration of downstream `name`. */
  declaration(name: string): TokenBrokerSettings['downstreams'][string] {
    const decl = this.settings.downstreams[name];
    if (!decl)
      throw new TokenBrokerConfigError([
        `downstream "${name}" is not declared; declared: ${this.downstreamNames().join(', ') || 'none'}`,
      ]);
    return decl;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    (this.acquirer as Partial<{ close(): void }>).close?.();
  }

  /** The cache key of `principal`'s on-behalf-of token for downstream `name` (its token hashed once). */
  private oboKey(name: string, principal: BrokerPrincipal): string {
    let keys = this.userKeys.get(principal);
    if (!keys) this.userKeys.set(principal, (keys = new Map<string, string>()));
    let key = keys.get(name);
    if (key === undefined) {
      key = this.cacheKey(
        name,
        DownstreamFlow.OnBehalfOf,
        this.declaration(name).scopes,
        sha256(principal.rawToken()),
      );
      keys.set(name, key);
    }
    return key;
  }

  private cacheKey(
    name: string,
    flow: DownstreamFlow,
    scopes: readonly string[],
    assertionHash?: string,
  ): string {
    return tokenCacheKey({
      prefix: this.settings.keyPrefix,
      clientId: this.settings.clientId,
      downstream: name,
      flow,
      scopes,
      assertionHash,
    });
  }

  /** The app's own cache key (no assertion): computed once per downstream, flow and scopes. */
  private appKey(name: string, flow: DownstreamFlow, scopes: readonly string[]): string {
    const id = `${name}\n${flow}\n${scopes.join(' ')}`;
    let key = this.appKeys.get(id);
    if (key === undefined) this.appKeys.set(id, (key = this.cacheKey(name, flow, scopes)));
    return key;
  }

  private acquisition(
    name: string,
    flow: DownstreamFlow,
    scopes: readonly string[],
    options: AcquireOptions,
    key: string = this.appKey(name, flow, scopes),
  ): Acquisition {
    const decl = this.declaration(name);
    return {
      downstream: name,
      flow,
      scopes,
      key,
      claims: options.claims,
      retryAttempts: decl.retry?.attempts ?? 2,
      deadline: options.deadline ?? requestDeadline(this.settings.requestDeadlineMs),
      refused: options.refused?.accessToken,
    };
  }

  private async obtain(acq: Acquisition): Promise<BrokeredToken> {
    const started = this.clock.now();
    if (acq.refused !== undefined) await this.evict(acq, acq.refused);
    if (!acq.claims) {
      const cached = await this.lookup(acq);
      if (cached) {
        const refreshing = this.maybeRefresh(acq, cached);
        return this.result(acq, cached, refreshing ? 'refresh' : 'cache', started);
      }
    }
    this.events.emit('cache-miss', { downstream: acq.downstream, flow: acq.flow });
    const flightKey = acq.claims ? `${acq.key}|claims:${sha256(acq.claims)}` : acq.key;
    // A shared acquisition may have been started by a request with more time left: wait for it only
    // until this request's own deadline (it goes on, and fills the cache for the next request).
    const token = await acq.deadline.bound(
      this.flights.run(flightKey, () =>
        this.acquireShared(acq, this.clock.now() + this.settings.minRemainingMs),
      ),
      () => tokenBudgetSpent(acq.downstream),
    );
    return this.result(acq, token, 'token-service', started);
  }

  /**
   * Drops `refused` — a token the downstream answered 401 to, e.g. signed with a key the authority has
   * since retired — from L1 and L2, unless a newer token has already replaced it.
   */
  private async evict(acq: Acquisition, refused: string): Promise<void> {
    const inL1 = this.l1.get(acq.key, this.clock.now())?.accessToken === refused;
    if (inL1) this.l1.delete(acq.key);
    const inL2 = this.store.available && (await this.store.get(acq.key))?.accessToken === refused;
    if (inL2) await this.store.delete?.(acq.key);
    if (!inL1 && !inL2) return;
    this.events.emit('evicted', { downstream: acq.downstream, flow: acq.flow, reason: 'refused' });
    this.logger.debug(
      `downstream "${acq.downstream}" refused a cached ${acq.flow} token; evicted it and acquiring a new one`,
    );
  }

  private result(acq: Acquisition, token: CachedToken, source: TokenSource, started: number): BrokeredToken {
    return redacted({
      accessToken: token.accessToken,
      expiresOnMs: token.expiresOnMs,
      flow: acq.flow,
      source,
      acquireMs: this.clock.now() - started,
    });
  }

  private usable(
    acq: Acquisition,
    token: CachedToken | undefined,
    minExpiresOnMs?: number,
  ): token is CachedToken {
    return (
      token !== undefined &&
      token.accessToken !== acq.refused &&
      token.expiresOnMs > (minExpiresOnMs ?? this.clock.now() + this.settings.minRemainingMs)
    );
  }

  private async lookup(acq: Acquisition): Promise<CachedToken | undefined> {
    const l1 = this.l1.get(acq.key, this.clock.now());
    if (this.usable(acq, l1)) {
      this.events.emit('cache-hit', { downstream: acq.downstream, flow: acq.flow, level: 'l1' });
      return l1;
    }
    if (!this.store.available) return undefined;
    const l2 = await this.store.get(acq.key);
    if (!this.usable(acq, l2)) return undefined;
    this.l1.set(acq.key, l2);
    this.events.emit('cache-hit', { downstream: acq.downstream, flow: acq.flow, level: 'l2' });
    return l2;
  }

  /** Starts a background renewal when `cached` is inside the refresh-ahead window; true when it did. */
  private maybeRefresh(acq: Acquisition, cached: CachedToken): boolean {
    const now = this.clock.now();
    if (cached.expiresOnMs - now > this.settings.refreshAheadMs || this.flights.has(acq.key)) return false;
    if (acq.assertionExpiresMs !== undefined && acq.assertionExpiresMs - now <= this.settings.minRemainingMs)
      return false;
    this.events.emit('refresh', { downstream: acq.downstream, flow: acq.flow });
    // In the background, on its own time budget: the request that noticed it has its answer already.
    const background = { ...acq, deadline: Deadline.of(Date.now(), this.settings.requestDeadlineMs) };
    this.flights
      .run(acq.key, () => this.acquireShared(background, cached.expiresOnMs + 1))
      .catch((error: unknown) =>
        this.logger.warn(`background refresh for downstream "${acq.downstream}" failed: ${describe(error)}`),
      );
    return true;
  }

  /** Cross-replica: take the lease and acquire, or wait (bounded) for the holder's L2 entry, then acquire. */
  private async acquireShared(acq: Acquisition, minExpiresOnMs: number): Promise<CachedToken> {
    if (acq.claims || !this.store.available) return this.acquireAndStore(acq);
    const leased = await this.store.tryLease(acq.key, this.settings.leaseMs);
    if (!leased) {
      const fromPeer = await this.waitForPeer(acq, minExpiresOnMs);
      if (fromPeer) return fromPeer;
    }
    try {
      // Double-checked: a peer may have stored the token and released its lease between our L2 miss
      // and our lease; without this re-read both replicas would ask the token service.
      const stored = leased ? await this.store.get(acq.key) : undefined;
      if (stored && this.usable(acq, stored, minExpiresOnMs)) {
        this.l1.set(acq.key, stored);
        return stored;
      }
      return await this.acquireAndStore(acq);
    } finally {
      if (leased) await this.store.releaseLease(acq.key);
    }
  }

  private async waitForPeer(acq: Acquisition, minExpiresOnMs: number): Promise<CachedToken | undefined> {
    const started = Date.now();
    const waitMs = Math.min(this.settings.leaseMs, acq.deadline.remainingMs());
    while (Date.now() - started < waitMs && this.store.available) {
      const entry = await this.store.get(acq.key);
      if (this.usable(acq, entry, minExpiresOnMs)) {
        this.l1.set(acq.key, entry);
        this.events.emit('lease-wait', {
          downstream: acq.downstream,
          flow: acq.flow,
          outcome: 'l2-hit',
          waitedMs: Date.now() - started,
        });
        return entry;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.events.emit('lease-wait', {
      downstream: acq.downstream,
      flow: acq.flow,
      outcome: 'gave-up',
      waitedMs: Date.now() - started,
    });
    return undefined;
  }

  private async acquireAndStore(acq: Acquisition): Promise<CachedToken> {
    const token = await this.caller.call(acq);
    this.l1.set(acq.key, token);
    await this.store.set(acq.key, token, this.clock.now());
    return token;
  }
}

/** `brokered` with a non-enumerable `toJSON` that leaves the token and the proof out. */
function redacted(brokered: BrokeredToken): BrokeredToken {
  Object.defineProperty(brokered, 'toJSON', {
    value: () => ({
      ...brokered,
      accessToken: '[redacted]',
      ...(brokered.delegationProof === undefined ? {} : { delegationProof: '[redacted]' }),
    }),
    enumerable: false,
  });
  return brokered;
}

function describe(error: unknown): string {
  return error instanceof TokenBrokerError
    ? `${error.code}: ${error.detail}`
    : error instanceof Error
      ? error.name
      : 'unknown error';
}

// Types that belong to the class, reachable as `TokenBroker.AcquireOptions` etc. without more exports.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace TokenBroker {
  /** Options of one acquisition. */
  export type Options = AcquireOptions;
  /** A token for one downstream call. */
  export type Token = BrokeredToken;
  /** Who a token is for: the user of an incoming request. */
  export type ForPrincipal = BrokerPrincipal;
}
