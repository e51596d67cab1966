import { Logger } from '@nestjs/common';

import { fakePrincipal, options, rejection, rig } from '../testing/broker.fakes';
import { TokenServiceFailure } from './token-acquirer.port';

const failure = (details: ConstructorParameters<typeof TokenServiceFailure>[0]) =>
  new TokenServiceFailure(details);

describe('TokenBroker', () => {
  describe('token service failures', () => {
    it('maps missing consent to 403 consent_required naming the permission', async () => {
      const { broker, acquirer, clock } = rig();
      acquirer.script = () => {
        throw failure({
          kind: 'rejected',
          error: 'invalid_grant',
          subError: 'consent_required',
          errorCodes: [65001],
        });
      };
      const error = await rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock)));
      expect(error).toMatchObject({ code: 'consent_required', status: 403 });
      expect(error.detail).toContain('api://program-service/Program.ReadWrite');
    });

    it('relays a step-up as 401 insufficient_claims with the same claims in base64', async () => {
      const { broker, acquirer, clock } = rig();
      const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      acquirer.script = () => {
        throw failure({ kind: 'rejected', error: 'interaction_required', errorCodes: [50076], claims });
      };
      const error = await rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock), { claims }));
      expect(error).toMatchObject({ code: 'claims_challenge', status: 401 });
      expect(error.wwwAuthenticate).toContain('error="insufficient_claims"');
      expect(error.wwwAuthenticate).toContain(`claims="${Buffer.from(claims).toString('base64')}"`);
    });

    it('maps rejected client credentials to a 500-class config error and logs an actionable line without the secret', async () => {
      const { broker, acquirer } = rig();
      const logged: string[] = [];
      jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => {
        logged.push(String(m));
      });
      acquirer.script = () => {
        throw failure({ kind: 'rejected', status: 401, error: 'invalid_client', errorCodes: [7000215] });
      };
      const error = await rejection(broker.forApp('PRICING'));
      expect(error).toMatchObject({ code: 'client_credentials_invalid', status: 500 });
      expect(logged.join('\n')).toContain('AUTH_CLIENT_SECRET');
      expect(logged.join('\n')).not.toContain('not-a-real-secret');
      jest.restoreAllMocks();
    });

    it('retries a 503 and succeeds on the next attempt', async () => {
      const { broker, acquirer, clock } = rig();
      acquirer.script = (_r, call) => {
        if (call === 1) throw failure({ kind: 'unavailable', status: 503, retryAfterSeconds: 0 });
        return { accessToken: 'x.e30.y', expiresOnMs: clock.now() + 3_600_000 };
      };
      await expect(broker.forApp('PRICING')).resolves.toMatchObject({ source: 'token-service' });
      expect(acquirer.requests).toHaveLength(2);
    });

    it('answers 503 token_service_unavailable with Retry-After when the token service stays down', async () => {
      const { broker, acquirer } = rig();
      acquirer.script = () => {
        throw failure({ kind: 'unavailable', status: 503, retryAfterSeconds: 0 });
      };
      const error = await rejection(broker.forApp('PRICING'));
      expect(error).toMatchObject({ code: 'token_service_unavailable', status: 503 });
      expect(acquirer.requests).toHaveLength(3);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(0);
    });

    it('does not wait inside a request for a Retry-After longer than allowed', async () => {
      const { broker, acquirer } = rig();
      acquirer.script = () => {
        throw failure({ kind: 'unavailable', status: 429, retryAfterSeconds: 120 });
      };
      const error = await rejection(broker.forApp('PRICING'));
      expect(error).toMatchObject({ code: 'token_service_unavailable', retryAfterSeconds: 120 });
      expect(acquirer.requests).toHaveLength(1);
    });

    it('opens the circuit after consecutive failures and then fails fast', async () => {
      const { broker, acquirer, clock } = rig(undefined, undefined, {
        downstreams: {
          ...options.downstreams,
          PRICING: { ...options.downstreams['PRICING']!, retry: { attempts: 0 } },
        },
      });
      acquirer.script = () => {
        throw failure({ kind: 'network' });
      };
      for (let i = 0; i < 3; i += 1) await rejection(broker.forApp('PRICING'));
      const users = [fakePrincipal('alice', clock)];
      const error = await rejection(broker.forUser('PROGRAM', users[0]!));
      expect(error).toMatchObject({ code: 'token_service_unavailable', retryAfterSeconds: 30 });
      expect(acquirer.requests).toHaveLength(3);
    });

    it('gives up on a token service that does not answer in time', async () => {
      const { broker, acquirer } = rig(undefined, undefined, {
        tokenServiceTimeoutMs: 20,
        downstreams: {
          ...options.downstreams,
          PRICING: { ...options.downstreams['PRICING']!, retry: { attempts: 0 } },
        },
      });
      acquirer.latencyMs = 200;
      const error = await rejection(broker.forApp('PRICING'));
      expect(error).toMatchObject({ code: 'token_service_unavailable', status: 503 });
    });

    it('answers 401 token_expired when the assertion expired on its way to the token service', async () => {
      const { broker, acquirer, clock } = rig();
      acquirer.script = () => {
        throw failure({ kind: 'rejected', error: 'invalid_grant', errorCodes: [500133] });
      };
      await expect(
        rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock))),
      ).resolves.toMatchObject({ code: 'token_expired', status: 401 });
    });

    it.each([
      [50013, 'token_assertion_rejected'],
      [50027, 'token_assertion_rejected'],
      [500131, 'token_audience_invalid'],
    ])(
      'answers 401 invalid_token, not 502, when the token service refuses the user’s own token (AADSTS%i)',
      async (aadsts, code) => {
        const { broker, acquirer, clock } = rig();
        acquirer.script = () => {
          throw failure({ kind: 'rejected', status: 400, error: 'invalid_grant', errorCodes: [aadsts] });
        };
        const error = await rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock)));
        expect(error).toMatchObject({ code, status: 401 });
        expect(error.wwwAuthenticate).toContain('error="invalid_token"');
      },
    );

    it('answers 502 token_service_rejected for other refusals and counts the failure', async () => {
      const { broker, acquirer, events } = rig();
      acquirer.script = () => {
        throw failure({ kind: 'rejected', error: 'invalid_scope', errorCodes: [70011] });
      };
      const error = await rejection(broker.forApp('PRICING'));
      expect(error).toMatchObject({ code: 'token_service_rejected', status: 502 });
      expect(events.stats()['PRICING']).toMatchObject({ failures: 1, tokenRequestFailures: 1 });
    });

    it('shares one failure among concurrent callers and tries again on the next call', async () => {
      const { broker, acquirer } = rig();
      acquirer.script = (_r, call) => {
        if (call === 1) throw failure({ kind: 'rejected', error: 'invalid_scope' });
        return { accessToken: 'x.e30.y', expiresOnMs: Date.now() + 3_600_000 };
      };
      const results = await Promise.allSettled([broker.forApp('PRICING'), broker.forApp('PRICING')]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await expect(broker.forApp('PRICING')).resolves.toBeDefined();
    });
  });
});
