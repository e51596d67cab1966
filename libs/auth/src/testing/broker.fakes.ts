/* Test doubles for the broker's ports (used by unit tests; not part of the public API). */
import { NoSharedTokenStore, type SharedTokenStore } from '../token-broker/shared-token.store';
import type { AcquiredToken, TokenAcquirer, TokenRequest } from '../token-broker/token-acquirer.port';
import { TokenBrokerError } from '../token-broker/token-broker.errors';
import { TokenBrokerEvents } from '../token-broker/token-broker.events';
import type { TokenBrokerOptions } from '../token-broker/token-broker.options';
import { type BrokerClock, type BrokerPrincipal, TokenBroker } from '../token-broker/token-broker.service';
import { resolveTokenBrokerSettings } from '../token-broker/token-broker.settings';
import type { CachedToken } from '../token-broker/token-cache';

/** A clock that only moves when told to. */
export class FrozenClock implements BrokerClock {
  constructor(public nowMs = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.nowMs;
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A fake JWT (unsigned; the broker never verifies) with the given payload. */
export function fakeJwt(payload: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.sig`;
}

/** A principal as the validation side would build it. */
export function fakePrincipal(
  oid: string,
  clock: BrokerClock,
  kind: 'user' | 'app' = 'user',
  lifetimeS = 3_600,
): BrokerPrincipal {
  const expiresAt = Math.floor(clock.now() / 1_000) + lifetimeS;
  const token = fakeJwt({
    oid,
    aud: 'api://bff',
    exp: expiresAt,
    ...(kind === 'user' ? { scp: 'access_as_user' } : { idtyp: 'app' }),
  });
  return { kind, expiresAt, rawToken: () => token };
}

type Script = (request: TokenRequest, call: number) => Promise<AcquiredToken> | AcquiredToken;

/** A scriptable token service: records each request; by default issues a 1-hour token naming the subject. */
export class FakeTokenAcquirer implements TokenAcquirer {
  readonly requests: TokenRequest[] = [];
  latencyMs = 5;
  script?: Script;

  constructor(private readonly clock: BrokerClock) {}

  async acquire(request: TokenRequest): Promise<AcquiredToken> {
    this.requests.push(request);
    await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.script) return this.script(request, this.requests.length);
    const subject = request.assertion
      ? (
          JSON.parse(Buffer.from(request.assertion.split('.')[1] ?? '', 'base64url').toString()) as {
            oid: string;
          }
        ).oid
      : 'app';
    return {
      accessToken: fakeJwt({ oid: subject, aud: request.scopes.join(' '), n: this.requests.length }),
      expiresOnMs: this.clock.now() + 3_600_000,
    };
  }
}

/** An in-memory shared store with a lease, standing in for Redis. */
export class FakeSharedStore implements SharedTokenStore {
  available = true;
  readonly entries = new Map<string, CachedToken>();
  readonly leases = new Map<string, number>();

  async get(key: string): Promise<CachedToken | undefined> {
    return this.available ? this.entries.get(key) : undefined;
  }
  async set(key: string, token: CachedToken): Promise<void> {
    if (this.available) this.entries.set(key, token);
  }
  async delete(key: string): Promise<void> {
    if (this.available) this.entries.delete(key);
  }
  async tryLease(key: string): Promise<boolean> {
    if (!this.available) return true;
    if (this.leases.has(key)) return false;
    this.leases.set(key, 1);
    return true;
  }
  async releaseLease(key: string): Promise<void> {
    this.leases.delete(key);
  }
  async close(): Promise<void> {}
}

/** The bff-like options the broker unit tests share. */
export const options: TokenBrokerOptions = {
  authority: 'https://login.example.test/tenant-1',
  clientId: 'bff-client',
  credential: { kind: 'secret', secret: 'not-a-real-secret' },
  downstreams: {
    PROGRAM: {
      baseUrl: 'http://program.test',
      flow: 'on-behalf-of',
      scopes: ['api://program-service/Program.ReadWrite'],
    },
    DOCUMENTS: {
      baseUrl: 'http://documents.test',
      flow: 'on-behalf-of',
      scopes: ['api://documents-service/Documents.ReadWrite'],
      allowAppFallback: true,
    },
    PRICING: {
      baseUrl: 'http://pricing.test',
      flow: 'client-credentials',
      scopes: ['api://pricing-service/.default'],
    },
  },
  circuitBreaker: { consecutiveFailures: 3, openForMs: 30_000 },
};

/** A broker on fakes, with what a test needs to drive and observe it. */
export interface Rig {
  broker: TokenBroker;
  acquirer: FakeTokenAcquirer;
  clock: FrozenClock;
  events: TokenBrokerEvents;
}

/** A broker on a fake acquirer and a frozen clock (and, optionally, a shared store). */
export function rig(
  store: SharedTokenStore = new NoSharedTokenStore(),
  clock = new FrozenClock(),
  overrides: Partial<TokenBrokerOptions> = {},
): Rig {
  const acquirer = new FakeTokenAcquirer(clock);
  const events = new TokenBrokerEvents();
  const broker = new TokenBroker(
    resolveTokenBrokerSettings({ ...options, ...overrides }),
    acquirer,
    store,
    clock,
    events,
  );
  return { broker, acquirer, clock, events };
}

/** The TokenBrokerError a promise rejects with (fails the test otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<TokenBrokerError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TokenBrokerError))
    throw new Error(`expected a TokenBrokerError, got ${String(error)}`);
  return error;
}
