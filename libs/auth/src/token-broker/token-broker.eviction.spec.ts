import { fakePrincipal, FakeSharedStore, rig } from '../testing/broker.fakes';
import type { TokenBrokerEventMap } from './token-broker.events';

describe('TokenBroker', () => {
  describe('a token a downstream refused', () => {
    it('is evicted from L1 and L2 and replaced by a new one from the token service', async () => {
      const store = new FakeSharedStore();
      const { broker, acquirer, clock, events } = rig(store);
      const evicted: TokenBrokerEventMap['evicted'][] = [];
      events.on('evicted', (e) => evicted.push(e));
      const alice = fakePrincipal('alice', clock);
      await broker.forUser('PROGRAM', alice);
      const cached = await broker.forUser('PROGRAM', alice);
      expect(cached.source).toBe('cache');

      const replaced = await broker.forUser('PROGRAM', alice, { refused: cached });
      expect(replaced.source).toBe('token-service');
      expect(replaced.accessToken).not.toBe(cached.accessToken);
      expect([...store.entries.values()].map((t) => t.accessToken)).toEqual([replaced.accessToken]);
      expect(evicted).toEqual([{ downstream: 'PROGRAM', flow: 'on-behalf-of', reason: 'refused' }]);
      await expect(broker.forUser('PROGRAM', alice)).resolves.toMatchObject({
        source: 'cache',
        accessToken: replaced.accessToken,
      });
      expect(acquirer.requests).toHaveLength(2);
    });

    it('is replaced once for many concurrent refusals, and a late refusal of it is served the replacement', async () => {
      const { broker, acquirer, events } = rig();
      let evicted = 0;
      events.on('evicted', () => (evicted += 1));
      const first = await broker.forApp('PRICING');
      const replacements = await Promise.all(
        Array.from({ length: 20 }, () => broker.forApp('PRICING', { refused: first })),
      );
      expect(new Set(replacements.map((t) => t.accessToken)).size).toBe(1);
      expect(replacements[0]?.accessToken).not.toBe(first.accessToken);
      const late = await broker.forApp('PRICING', { refused: first });
      expect(late).toMatchObject({ source: 'cache', accessToken: replacements[0]?.accessToken });
      expect(acquirer.requests).toHaveLength(2);
      expect(evicted).toBe(1);
    });

    it('is never served again, even by a shared store that cannot delete it', async () => {
      const store = new FakeSharedStore();
      Object.defineProperty(store, 'delete', { value: undefined });
      const { broker, acquirer, clock } = rig(store);
      const alice = fakePrincipal('alice', clock);
      const first = await broker.forUser('PROGRAM', alice);
      const replaced = await broker.forUser('PROGRAM', alice, { refused: first });
      expect(replaced.accessToken).not.toBe(first.accessToken);
      expect(acquirer.requests).toHaveLength(2);
    });
  });
});
