import { Deadline } from '../context/request-deadline';
import { fakePrincipal, options, rejection, rig } from '../testing/broker.fakes';
import { TokenServiceFailure } from './token-acquirer.port';
import type { TokenBrokerError } from './token-broker.errors';
import { resolveTokenBrokerSettings } from './token-broker.settings';

const START = Date.UTC(2026, 10, 28, 12, 0, 0);

/** The promise's outcome and the (fake) time it settled at. */
function timed(promise: Promise<TokenBrokerError>): Promise<{ error: TokenBrokerError; atMs: number }> {
  return promise.then((error) => ({ error, atMs: Date.now() }));
}

describe('TokenBroker', () => {
  describe('one deadline per request (fake clock)', () => {
    beforeEach(() => jest.useFakeTimers({ now: START }));
    afterEach(() => jest.useRealTimers());

    it('stops retrying a token service that does not answer at the deadline and answers 503 with Retry-After before it', async () => {
      const { broker, acquirer, events } = rig(undefined, undefined, {
        requestDeadlineMs: 3_000,
        tokenServiceTimeoutMs: 2_000,
      });
      acquirer.latencyMs = 60_000;
      const outcome = timed(rejection(broker.forApp('PRICING')));
      await jest.advanceTimersByTimeAsync(3_000 - 250 + 1);
      // By then the answer is out and the acquisition itself is over: nothing keeps running past the deadline.
      expect(events.stats()['PRICING']).toMatchObject({ failures: 1 });
      const { error, atMs } = await outcome;
      expect(error).toMatchObject({ code: 'token_service_unavailable', status: 503, retryAfterSeconds: 5 });
      // The first attempt cut at its 2 s timeout, the retry at what was left of the budget (less the reserve).
      expect(acquirer.requests).toHaveLength(2);
      expect(atMs - START).toBeGreaterThan(2_000);
      expect(atMs - START).toBeLessThanOrEqual(3_000 - 250);
    });

    it('does not wait out a Retry-After that would pass the deadline: 503 with that Retry-After at once', async () => {
      const { broker, acquirer } = rig(undefined, undefined, { requestDeadlineMs: 3_000 });
      acquirer.script = () => {
        throw new TokenServiceFailure({ kind: 'unavailable', status: 503, retryAfterSeconds: 4 });
      };
      const outcome = timed(rejection(broker.forApp('PRICING')));
      await jest.advanceTimersByTimeAsync(10_000);
      const { error, atMs } = await outcome;
      expect(error).toMatchObject({ code: 'token_service_unavailable', retryAfterSeconds: 4 });
      expect(acquirer.requests).toHaveLength(1);
      expect(atMs - START).toBeLessThan(100);
    });

    it('waits for an acquisition already in flight only until its own deadline, which still fills the cache', async () => {
      const { broker, acquirer, clock } = rig(undefined, undefined, { tokenServiceTimeoutMs: 30_000 });
      acquirer.latencyMs = 5_000;
      const alice = fakePrincipal('alice', clock);
      const patient = broker.forUser('PROGRAM', alice, { deadline: Deadline.of(Date.now(), 60_000) });
      const hurried = timed(
        rejection(broker.forUser('PROGRAM', alice, { deadline: Deadline.of(Date.now(), 1_000) })),
      );
      await jest.advanceTimersByTimeAsync(6_000);
      const { error, atMs } = await hurried;
      expect(error).toMatchObject({ code: 'token_service_unavailable', status: 503, retryAfterSeconds: 5 });
      expect(atMs - START).toBeLessThanOrEqual(1_000);
      await expect(patient).resolves.toMatchObject({ source: 'token-service' });
      await expect(broker.forUser('PROGRAM', alice)).resolves.toMatchObject({ source: 'cache' });
      expect(acquirer.requests).toHaveLength(1);
    });

    it('answers 503 without asking when the request has no time left', async () => {
      const { broker, acquirer } = rig();
      const spent = Deadline.of(Date.now() - 20_000, 12_000);
      await expect(rejection(broker.forApp('PRICING', { deadline: spent }))).resolves.toMatchObject({
        code: 'token_service_unavailable',
        retryAfterSeconds: 5,
      });
      expect(acquirer.requests).toHaveLength(0);
    });
  });

  describe('the request deadline option', () => {
    it('defaults to 12 s and refuses a value outside 100–600 000 ms at boot, naming the option', () => {
      expect(resolveTokenBrokerSettings(options).requestDeadlineMs).toBe(12_000);
      for (const bad of [50, 1.5, 700_000]) {
        expect(() => resolveTokenBrokerSettings({ ...options, requestDeadlineMs: bad })).toThrow(
          /requestDeadlineMs must be a whole number of milliseconds from 100 to 600000/,
        );
      }
    });
  });

  describe("the token service's Retry-After, remembered per authority (frozen clock)", () => {
    it('makes later requests fail fast with the time left while cached tokens keep serving, until it passes', async () => {
      const { broker, acquirer, clock } = rig();
      await broker.forApp('PRICING');
      acquirer.script = () => {
        throw new TokenServiceFailure({ kind: 'unavailable', status: 429, retryAfterSeconds: 30 });
      };
      const first = await rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock)));
      expect(first).toMatchObject({ code: 'token_service_unavailable', status: 503, retryAfterSeconds: 30 });
      expect(acquirer.requests).toHaveLength(2);

      clock.advance(10_000);
      const during = await rejection(broker.forUser('PROGRAM', fakePrincipal('bob', clock)));
      expect(during).toMatchObject({ code: 'token_service_unavailable', status: 503, retryAfterSeconds: 20 });
      expect(acquirer.requests).toHaveLength(2);
      await expect(broker.forApp('PRICING')).resolves.toMatchObject({ source: 'cache' });

      acquirer.script = undefined;
      clock.advance(20_001);
      await expect(broker.forUser('PROGRAM', fakePrincipal('bob', clock))).resolves.toMatchObject({
        source: 'token-service',
      });
      expect(acquirer.requests).toHaveLength(3);
    });

    it('ends the pause early once the token service answers a token', async () => {
      const { broker, acquirer, clock } = rig(undefined, undefined, { maxRetryAfterSeconds: 1 });
      acquirer.script = (_request, call) => {
        if (call === 1)
          throw new TokenServiceFailure({ kind: 'unavailable', status: 503, retryAfterSeconds: 1 });
        return { accessToken: 'x.e30.y', expiresOnMs: clock.now() + 3_600_000 };
      };
      // The request waits the second out and retries; the answer lifts the pause for everyone.
      await expect(broker.forApp('PRICING')).resolves.toMatchObject({ source: 'token-service' });
      await expect(broker.forUser('PROGRAM', fakePrincipal('alice', clock))).resolves.toMatchObject({
        source: 'token-service',
      });
      expect(acquirer.requests).toHaveLength(3);
    });
  });
});
