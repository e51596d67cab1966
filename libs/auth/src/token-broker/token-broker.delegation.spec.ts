import { createPublicKey, generateKeyPairSync } from 'node:crypto';

import { decode, verify } from 'jsonwebtoken';

import { fakePrincipal, rejection, rig } from '../testing/broker.fakes';
import { accessTokenHash } from '../validation/user-delegation';
import type { BrokerPrincipal } from './token-broker.types';

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const PROGRAM_RESOURCE = 'https://contosob2c.onmicrosoft.com/program-service';

const delegating = () =>
  rig(undefined, undefined, {
    downstreams: {
      PROGRAM: {
        baseUrl: 'http://program.test',
        flow: 'verified-delegation',
        scopes: [`${PROGRAM_RESOURCE}/.default`],
        delegatedScopes: ['Program.ReadWrite'],
      },
      DOCUMENTS: {
        baseUrl: 'http://documents.test',
        flow: 'verified-delegation',
        scopes: ['https://contosob2c.onmicrosoft.com/documents-service/.default'],
        delegatedScopes: ['Documents.ReadWrite'],
        allowAppFallback: true,
      },
      LEGACY: {
        baseUrl: 'http://legacy.test',
        flow: 'on-behalf-of',
        scopes: ['api://legacy/Legacy.Read'],
      },
    },
    delegation: { signingKeyPem: PEM },
  });

/** A user principal as the validation side builds it from a B2C token. */
function user(oid: string, nowMs: number, extra: Partial<BrokerPrincipal> = {}): BrokerPrincipal {
  return {
    kind: 'user',
    expiresAt: Math.floor(nowMs / 1_000) + 3_600,
    rawToken: () => `user-token-of-${oid}`,
    oid,
    tid: 'b2c0e1d2-3f4a-4b5c-8d6e-7f8091a2b3c4',
    name: oid.toUpperCase(),
    roles: ['Underwriter'],
    authMethods: ['pwd', 'mfa'],
    authContexts: [],
    policy: 'B2C_1_mfa',
    identityProvider: 'google.com',
    ...extra,
  };
}

const claimsOf = (jwt: string | undefined) => decode(jwt ?? '', { complete: true });

describe('TokenBroker, verified delegation (clock frozen)', () => {
  it("sends the app's client-credentials token for <resource>/.default with a signed proof of the user", async () => {
    const { broker, acquirer, clock } = delegating();
    const token = await broker.forUser('PROGRAM', user('alice', clock.now()));
    expect(acquirer.requests).toEqual([
      expect.objectContaining({ flow: 'client-credentials', scopes: [`${PROGRAM_RESOURCE}/.default`] }),
    ]);
    expect(acquirer.requests[0]?.assertion).toBeUndefined();
    expect(token.flow).toBe('verified-delegation');
    const proof = claimsOf(token.delegationProof);
    const iat = Math.floor(clock.now() / 1_000);
    expect(proof?.header).toMatchObject({ alg: 'RS256', typ: 'user-delegation+jwt' });
    expect(proof?.payload).toEqual({
      iss: 'bff-client',
      azp: 'bff-client',
      aud: `${PROGRAM_RESOURCE}/.default`, // the fake token service puts the requested scope in aud
      sub: 'alice',
      oid: 'alice',
      tid: 'b2c0e1d2-3f4a-4b5c-8d6e-7f8091a2b3c4',
      name: 'ALICE',
      idp: 'google.com',
      tfp: 'B2C_1_mfa',
      amr: ['pwd', 'mfa'],
      roles: ['Underwriter'],
      scp: 'Program.ReadWrite',
      iat,
      nbf: iat,
      exp: iat + 120,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ath: accessTokenHash(token.accessToken),
    });
    expect(() =>
      verify(token.delegationProof ?? '', createPublicKey(PEM), {
        algorithms: ['RS256'],
        clockTimestamp: iat,
      }),
    ).not.toThrow();
  });

  it('shares one client-credentials token across users and signs one proof per user, re-used across calls', async () => {
    const { broker, acquirer, clock } = delegating();
    const alice = user('alice', clock.now());
    const [a1, a2, b] = await Promise.all([
      broker.forUser('PROGRAM', alice),
      broker.forUser('PROGRAM', alice),
      broker.forUser('PROGRAM', user('bob', clock.now())),
    ]);
    expect(acquirer.requests).toHaveLength(1);
    expect(a2.delegationProof).toBe(a1.delegationProof);
    expect(b.delegationProof).not.toBe(a1.delegationProof);
    expect(claimsOf(b.delegationProof)?.payload).toMatchObject({ oid: 'bob' });
  });

  it('signs a new proof once the cached one has less than 30 s left', async () => {
    const { broker, clock } = delegating();
    const alice = user('alice', clock.now());
    const first = await broker.forUser('PROGRAM', alice);
    clock.advance(89_000);
    expect((await broker.forUser('PROGRAM', alice)).delegationProof).toBe(first.delegationProof);
    clock.advance(2_000);
    expect((await broker.forUser('PROGRAM', alice)).delegationProof).not.toBe(first.delegationProof);
  });

  it('signs a new proof when the user facts or the client-credentials token change', async () => {
    const { broker, clock } = delegating();
    const alice = user('alice', clock.now());
    const first = await broker.forUser('PROGRAM', alice);
    const steppedDown = await broker.forUser('PROGRAM', user('alice', clock.now(), { authMethods: ['pwd'] }));
    expect(steppedDown.delegationProof).not.toBe(first.delegationProof);
    const newToken = await broker.forUser('PROGRAM', alice, { claims: '{"access_token":{}}' });
    expect(newToken.accessToken).not.toBe(first.accessToken);
    expect(claimsOf(newToken.delegationProof)?.payload).toMatchObject({
      ath: accessTokenHash(newToken.accessToken),
    });
  });

  it("never lets a proof outlive the user's own token", async () => {
    const { broker, clock } = delegating();
    const iat = Math.floor(clock.now() / 1_000);
    const token = await broker.forUser('PROGRAM', user('alice', clock.now(), { expiresAt: iat + 45 }));
    expect(claimsOf(token.delegationProof)?.payload).toMatchObject({ exp: iat + 45 });
  });

  it('names the previous delegator in act when the user itself arrived by delegation', async () => {
    const { broker, clock } = delegating();
    const token = await broker.forUser(
      'PROGRAM',
      user('alice', clock.now(), { delegatedBy: 'first-hop-client' }),
    );
    expect(claimsOf(token.delegationProof)?.payload).toMatchObject({ act: { sub: 'first-hop-client' } });
  });

  it('refuses an app-only caller with 403 delegation_requires_user, unless the downstream allows the app fallback', async () => {
    const { broker, acquirer, clock } = delegating();
    const app = fakePrincipal('daemon', clock, 'app');
    const refused = await rejection(broker.forUser('PROGRAM', app));
    expect({ status: refused.status, code: refused.code }).toEqual({
      status: 403,
      code: 'delegation_requires_user',
    });
    expect(acquirer.requests).toHaveLength(0);
    const fallback = await broker.forUser('DOCUMENTS', app);
    expect(fallback).toMatchObject({ flow: 'client-credentials' });
    expect(fallback.delegationProof).toBeUndefined();
  });

  it('refuses a delegated user on an on-behalf-of downstream with 403 obo_requires_user, asking nothing of the token service', async () => {
    const { broker, acquirer, clock } = delegating();
    const refused = await rejection(
      broker.forUser('LEGACY', user('alice', clock.now(), { delegatedBy: 'first-hop-client' })),
    );
    expect({ status: refused.status, code: refused.code }).toEqual({
      status: 403,
      code: 'obo_requires_user',
    });
    expect(acquirer.requests).toHaveLength(0);
  });

  it('keeps the token and the proof out of JSON', async () => {
    const { broker, clock } = delegating();
    const token = await broker.forUser('PROGRAM', user('alice', clock.now()));
    const json = JSON.stringify(token);
    expect(json).not.toContain(token.accessToken);
    expect(json).not.toContain(token.delegationProof);
    expect(JSON.parse(json)).toMatchObject({ accessToken: '[redacted]', delegationProof: '[redacted]' });
  });
});
