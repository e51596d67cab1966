import { fakePrincipal, FakeSharedStore, FrozenClock, rejection, rig } from '../testing/broker.fakes';
import type { TokenBrokerEvents } from './token-broker.events';

/**
 * Resolves once the next background renewal is over: its token request came back and its token is stored
 * (stored in the same turn of the event loop, after the event; `setImmediate` runs once that turn is done).
 */
function renewal(events: TokenBrokerEvents): Promise<void> {
  return new Promise((resolve) => {
    const off = events.on('token-request', () => {
      off();
      setImmediate(resolve);
    });
  });
}

describe('TokenBroker', () => {
  describe('caching and single-flight', () => {
    it('makes one token request for 200 concurrent calls of one user to one downstream', async () => {
      const { broker, acquirer, clock } = rig();
      const alice = fakePrincipal('alice', clock);
      const tokens = await Promise.all(Array.from({ length: 200 }, () => broker.forUser('PROGRAM', alice)));
      expect(acquirer.requests).toHaveLength(1);
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    });

    it('makes one token request per user and never hands one user another user’s token', async () => {
      const { broker, acquirer, clock } = rig();
      const users = Array.from({ length: 20 }, (_, i) => fakePrincipal(`user-${i}`, clock));
      const results = await Promise.all(
        users.flatMap((u) => [broker.forUser('PROGRAM', u), broker.forUser('PROGRAM', u)]),
      );
      expect(acquirer.requests).toHaveLength(20);
      results.forEach((token, i) => {
        const oid = JSON.parse(Buffer.from(token.accessToken.split('.')[1]!, 'base64url').toString()).oid;
        expect(oid).toBe(`user-${Math.floor(i / 2)}`);
      });
    });

    it('serves a second call from the cache and says so', async () => {
      const { broker, acquirer, clock, events } = rig();
      const alice = fakePrincipal('alice', clock);
      const first = await broker.forUser('PROGRAM', alice);
      const second = await broker.forUser('PROGRAM', alice);
      expect(first.source).toBe('token-service');
      expect(second.source).toBe('cache');
      expect(acquirer.requests).toHaveLength(1);
      expect(events.stats()['PROGRAM']).toMatchObject({ hits: 1, misses: 1, tokenRequests: 1 });
    });

    it('passes the incoming token as the assertion and asks for the declared scopes', async () => {
      const { broker, acquirer, clock } = rig();
      const alice = fakePrincipal('alice', clock);
      await broker.forUser('PROGRAM', alice);
      expect(acquirer.requests[0]).toMatchObject({
        flow: 'on-behalf-of',
        assertion: alice.rawToken(),
        scopes: ['api://program-service/Program.ReadWrite'],
      });
    });

    it('acquires again once the cached token is about to expire', async () => {
      const { broker, acquirer, clock } = rig(undefined, undefined, { cache: { refreshAheadSeconds: 0 } });
      const alice = fakePrincipal('alice', clock, 'user', 7_200);
      await broker.forUser('PROGRAM', alice);
      clock.advance(3_600_000 - 10_000);
      const again = await broker.forUser('PROGRAM', alice);
      expect(again.source).toBe('token-service');
      expect(acquirer.requests).toHaveLength(2);
    });

    it('bypasses the cache when claims are requested and sends them', async () => {
      const { broker, acquirer, clock } = rig();
      const alice = fakePrincipal('alice', clock);
      await broker.forUser('PROGRAM', alice);
      const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      await broker.forUser('PROGRAM', alice, { claims });
      expect(acquirer.requests).toHaveLength(2);
      expect(acquirer.requests[1]?.claims).toBe(claims);
    });

    it('keeps L1 bounded by evicting the least recently used token', async () => {
      const { broker, acquirer, clock } = rig(undefined, undefined, { cache: { l1MaxEntries: 2 } });
      const [a, b, c] = ['a', 'b', 'c'].map((oid) => fakePrincipal(oid, clock));
      for (const p of [a!, b!, c!, a!]) await broker.forUser('PROGRAM', p);
      expect(acquirer.requests).toHaveLength(4);
    });
  });

  describe('refresh ahead', () => {
    it('serves the cached token inside the window and renews it once in the background', async () => {
      const { broker, acquirer, clock, events } = rig();
      const alice = fakePrincipal('alice', clock, 'user', 7_200);
      const first = await broker.forUser('PROGRAM', alice);
      clock.advance(3_600_000 - 200_000);
      const renewed = renewal(events);
      const served = await Promise.all([broker.forUser('PROGRAM', alice), broker.forUser('PROGRAM', alice)]);
      expect(served.map((t) => t.accessToken)).toEqual([first.accessToken, first.accessToken]);
      expect(served[0]?.source).toBe('refresh');
      await renewed;
      expect(acquirer.requests).toHaveLength(2);
      expect((await broker.forUser('PROGRAM', alice)).accessToken).not.toBe(first.accessToken);
      expect(events.stats()['PROGRAM']?.refreshes).toBe(1);
    });

    it('does not renew an on-behalf-of token in the background once the incoming token has expired', async () => {
      const { broker, acquirer, clock, events } = rig();
      const alice = fakePrincipal('alice', clock, 'user', 3_500);
      await broker.forUser('PROGRAM', alice);
      clock.advance(3_500_000);
      const served = await broker.forUser('PROGRAM', alice);
      expect(served.source).toBe('cache');
      // A renewal is decided (and announced) while the cached token is served: none was.
      expect(events.stats()['PROGRAM']?.refreshes).toBe(0);
      expect(acquirer.requests).toHaveLength(1);
    });

    it('renews client-credentials tokens in the background regardless of any user', async () => {
      const { broker, acquirer, clock, events } = rig();
      await broker.forApp('PRICING');
      clock.advance(3_600_000 - 100_000);
      const renewed = renewal(events);
      expect((await broker.forApp('PRICING')).source).toBe('refresh');
      await renewed;
      expect(acquirer.requests).toHaveLength(2);
    });
  });

  describe('who may be exchanged', () => {
    it('refuses on-behalf-of for an app-only caller with 403 obo_requires_user', async () => {
      const { broker, acquirer, clock } = rig();
      const error = await rejection(broker.forUser('PROGRAM', fakePrincipal('daemon', clock, 'app')));
      expect(error).toMatchObject({ code: 'obo_requires_user', status: 403 });
      expect(acquirer.requests).toHaveLength(0);
    });

    it('falls back to the app token for /.default when the downstream allows it', async () => {
      const { broker, acquirer, clock } = rig();
      await broker.forUser('DOCUMENTS', fakePrincipal('daemon', clock, 'app'));
      expect(acquirer.requests[0]).toMatchObject({
        flow: 'client-credentials',
        scopes: ['api://documents-service/.default'],
      });
      expect(acquirer.requests[0]?.assertion).toBeUndefined();
    });

    it('uses client credentials for a client-credentials downstream even when called for a user', async () => {
      const { broker, acquirer, clock } = rig();
      await broker.forUser('PRICING', fakePrincipal('alice', clock));
      await broker.forApp('PRICING');
      expect(acquirer.requests).toHaveLength(1);
      expect(acquirer.requests[0]).toMatchObject({
        flow: 'client-credentials',
        scopes: ['api://pricing-service/.default'],
      });
    });

    it('refuses forApp on an on-behalf-of downstream and unknown downstream names', async () => {
      const { broker } = rig();
      await expect(broker.forApp('PROGRAM')).rejects.toThrow(/forUser/);
      await expect(broker.forApp('NOPE')).rejects.toThrow(/not declared/);
    });
  });

  describe('shared cache across replicas', () => {
    it('lets one of two replicas acquire while the other waits for its L2 entry', async () => {
      const store = new FakeSharedStore();
      const clock = new FrozenClock();
      const a = rig(store, clock);
      const b = rig(store, clock);
      const alice = fakePrincipal('alice', clock);
      a.acquirer.latencyMs = 60;
      b.acquirer.latencyMs = 60;
      const [ta, tb] = await Promise.all([
        a.broker.forUser('PROGRAM', alice),
        b.broker.forUser('PROGRAM', alice),
      ]);
      expect(a.acquirer.requests.length + b.acquirer.requests.length).toBe(1);
      expect(ta.accessToken).toBe(tb.accessToken);
      expect(store.leases.size).toBe(0);
    });

    it('serves a replica that never acquired from L2', async () => {
      const store = new FakeSharedStore();
      const clock = new FrozenClock();
      const a = rig(store, clock);
      const b = rig(store, clock);
      const alice = fakePrincipal('alice', clock);
      await a.broker.forUser('PROGRAM', alice);
      const fromL2 = await b.broker.forUser('PROGRAM', alice);
      expect(b.acquirer.requests).toHaveLength(0);
      expect(b.events.stats()['PROGRAM']?.l2Hits).toBe(1);
      expect(fromL2.source).toBe('cache');
    });

    it('acquires itself when the lease holder never writes L2', async () => {
      const store = new FakeSharedStore();
      const { broker, acquirer, clock } = rig(store, undefined, { cache: { leaseMs: 100 } });
      store.tryLease = async () => false;
      await broker.forUser('PROGRAM', fakePrincipal('alice', clock));
      expect(acquirer.requests).toHaveLength(1);
    });

    it('keeps serving from L1 and the token service when the shared store is down', async () => {
      const store = new FakeSharedStore();
      store.available = false;
      const { broker, acquirer, clock } = rig(store);
      const alice = fakePrincipal('alice', clock);
      await broker.forUser('PROGRAM', alice);
      await broker.forUser('PROGRAM', alice);
      expect(acquirer.requests).toHaveLength(1);
      expect(store.entries.size).toBe(0);
    });
  });

  it('never serialises the token of a brokered result', async () => {
    const { broker, clock } = rig();
    const token = await broker.forUser('PROGRAM', fakePrincipal('alice', clock));
    expect(JSON.stringify(token)).not.toContain(token.accessToken);
  });
});
