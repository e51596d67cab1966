import { Logger } from '@nestjs/common';

import { fakePrincipal, options, rejection, rig } from '../testing/broker.fakes';
import { TokenServiceFailure } from './token-acquirer.port';

type Level = 'debug' | 'warn' | 'error';

/** Captures what the Nest Logger is asked to write, by level. */
function captureLogs(): Record<Level, string[]> {
  const logged: Record<Level, string[]> = { debug: [], warn: [], error: [] };
  const into = (level: Level) => (message: unknown) => {
    logged[level].push(String(message));
  };
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(into('debug'));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(into('warn'));
  jest.spyOn(Logger.prototype, 'error').mockImplementation(into('error'));
  return logged;
}

const retryless = {
  downstreams: {
    ...options.downstreams,
    PRICING: { ...options.downstreams['PRICING']!, retry: { attempts: 0 } },
  },
};

describe('TokenBroker', () => {
  describe('diagnostics of token-service failures', () => {
    afterEach(() => jest.restoreAllMocks());

    it("logs MSAL's error code, sub-error, AADSTS numbers and correlation id, never the user's token", async () => {
      const logged = captureLogs();
      const { broker, acquirer, clock } = rig();
      const alice = fakePrincipal('alice', clock);
      acquirer.script = () => {
        throw new TokenServiceFailure({
          kind: 'rejected',
          status: 400,
          error: 'invalid_grant',
          subError: 'consent_required',
          errorCodes: [65001],
          correlationId: '0b1c2d3e-corr',
          traceId: 'trace-42',
        });
      };
      await rejection(broker.forUser('PROGRAM', alice));
      expect(logged.warn).toHaveLength(1);
      const line = logged.warn[0]!;
      expect(line).toContain('downstream "PROGRAM" (on-behalf-of) at https://login.example.test/tenant-1');
      expect(line).toContain('answered 403 consent_required');
      expect(line).toContain('errorCode=invalid_grant');
      expect(line).toContain('subError=consent_required');
      expect(line).toContain('aadsts=AADSTS65001');
      expect(line).toContain('httpStatus=400');
      expect(line).toContain('correlationId=0b1c2d3e-corr');
      expect(line).toContain('traceId=trace-42');
      expect(line).toContain('an administrator must grant consent to application bff-client');
      expect(line).not.toContain(alice.rawToken());
      expect(line).not.toContain(alice.rawToken().split('.')[1]);
    });

    it('hints AUTH_KNOWN_AUTHORITIES when MSAL does not trust the authority host', async () => {
      const logged = captureLogs();
      const { broker, acquirer } = rig(undefined, undefined, retryless);
      acquirer.script = () => {
        throw new TokenServiceFailure({
          kind: 'rejected',
          error: 'untrusted_authority',
          correlationId: 'corr-7',
        });
      };
      await rejection(broker.forApp('PRICING'));
      const line = logged.warn.join('\n');
      expect(line).toContain('errorCode=untrusted_authority');
      expect(line).toContain('correlationId=corr-7');
      expect(line).toContain(
        'Hint: MSAL does not trust the authority host login.example.test (untrusted_authority): list it in AUTH_KNOWN_AUTHORITIES',
      );
      expect(line).toContain('AUTH_KNOWN_AUTHORITIES=login.example.test');
    });

    it('hints at the metadata, not AUTH_KNOWN_AUTHORITIES, when the host is listed already', async () => {
      const logged = captureLogs();
      const { broker, acquirer } = rig(undefined, undefined, {
        ...retryless,
        knownAuthorities: ['login.example.test'],
      });
      acquirer.script = () => {
        throw new TokenServiceFailure({ kind: 'network', error: 'endpoints_resolution_error' });
      };
      await rejection(broker.forApp('PRICING'));
      expect(logged.warn.join('\n')).toContain(
        'Hint: MSAL could not use the metadata of https://login.example.test/tenant-1 (endpoints_resolution_error)',
      );
    });

    it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
      'hints to trust the CA with NODE_EXTRA_CA_CERTS when the token service certificate is not trusted (%s)',
      async (code) => {
        const logged = captureLogs();
        const { broker, acquirer } = rig(undefined, undefined, retryless);
        acquirer.script = () => {
          throw new TokenServiceFailure({
            kind: 'network',
            error: 'endpoints_resolution_error',
            transportCode: code,
            correlationId: 'corr-8',
          });
        };
        const error = await rejection(broker.forApp('PRICING'));
        expect(error).toMatchObject({ code: 'token_service_unavailable', status: 503 });
        const line = logged.warn.join('\n');
        expect(line).toContain(`transport=${code}`);
        expect(line).toContain(
          `Hint: the TLS certificate of login.example.test is not trusted (${code}): trust the CA that issued it with NODE_EXTRA_CA_CERTS`,
        );
        expect(line).toContain('tokenServiceCaPem');
      },
    );

    it('logs rejected client credentials at error with the fix, never the secret', async () => {
      const logged = captureLogs();
      const { broker, acquirer } = rig();
      acquirer.script = () => {
        throw new TokenServiceFailure({
          kind: 'rejected',
          status: 401,
          error: 'invalid_client',
          errorCodes: [7000215],
        });
      };
      await rejection(broker.forApp('PRICING'));
      expect(logged.error).toHaveLength(1);
      expect(logged.error[0]).toContain('aadsts=AADSTS7000215');
      expect(logged.error[0]).toContain('AUTH_CLIENT_SECRET');
      expect(logged.error.join('\n')).not.toContain('not-a-real-secret');
    });

    it('logs a step-up the caller must satisfy at debug only', async () => {
      const logged = captureLogs();
      const { broker, acquirer, clock } = rig();
      acquirer.script = () => {
        throw new TokenServiceFailure({
          kind: 'rejected',
          error: 'interaction_required',
          errorCodes: [50076],
          claims: '{"access_token":{}}',
        });
      };
      await rejection(broker.forUser('PROGRAM', fakePrincipal('alice', clock), { claims: '{}' }));
      expect(logged.warn).toEqual([]);
      expect(logged.debug.join('\n')).toContain('answered 401 claims_challenge');
    });
  });
});
