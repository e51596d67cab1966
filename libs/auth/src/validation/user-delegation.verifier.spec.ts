import { createHmac } from 'node:crypto';

import { TestIssuer } from '@chain/testing';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ChainError } from '../errors/chain.error';
import { callerKey, type JwksServer, serveJwks, signProof } from '../testing/delegation.fakes';
import type { DownstreamDeclaration } from '../token-broker/token-broker.options';
import { UserDelegationMinter } from '../token-broker/user-delegation.minter';
import type { AuthModuleOptions } from './auth.options';
import { JwtAuthGuard } from './jwt-auth.guard';
import { AuthenticatedPrincipal } from './principal';
import { RequireScopes, UserOnly } from './requirements';
import { TokenValidator } from './token-validator';
import { accessTokenHash } from './user-delegation';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW_S = NOW / 1000;
const PROGRAM = '2d9e4f1a-0000-4000-8000-000000004e33';
const BFF = '1c8d3e0f-0000-4000-8000-000000003d22';
const DOCUMENTS = '3e0f1c8d-0000-4000-8000-000000005f44';
const STRANGER = '99999999-0000-4000-8000-000000009999';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
const PROGRAM_DECL: DownstreamDeclaration = {
  baseUrl: 'http://program.test',
  flow: 'verified-delegation',
  scopes: ['https://contosob2c.onmicrosoft.com/program-service/.default'],
  delegatedScopes: ['Program.ReadWrite'],
};

class Routes {
  @UserOnly() @RequireScopes('Program.Read', 'Program.ReadWrite') programmes(): void {}
}

describe('verified delegation at the callee (clock frozen, no container)', () => {
  const bffKey = callerKey();
  const documentsKey = callerKey();
  const unpublishedKey = callerKey();
  const clock = { now: () => Date.now() };
  let issuer: TestIssuer;
  let bffJwks: JwksServer;
  let documentsJwks: JwksServer;
  let guard: JwtAuthGuard;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    bffJwks = await serveJwks(bffKey);
    documentsJwks = await serveJwks(documentsKey);
    guard = guardFor({
      delegation: {
        callers: [
          { clientId: BFF, jwksUri: bffJwks.uri, scopes: ['Program.Read', 'Program.ReadWrite'] },
          { clientId: DOCUMENTS, jwksUri: documentsJwks.uri, scopes: ['Program.Read'] },
        ],
      },
    });
  });

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => jest.useRealTimers());
  afterAll(async () => {
    await Promise.all([issuer.stop(), bffJwks.stop(), documentsJwks.stop()]);
  });

  function guardFor(extra: Partial<AuthModuleOptions>): JwtAuthGuard {
    const validator = TokenValidator.fromOptions({
      issuers: [issuer.issuer],
      jwksUri: issuer.jwksUri,
      audiences: [PROGRAM, 'https://contosob2c.onmicrosoft.com/program-service'],
      ...extra,
    });
    return new JwtAuthGuard(new Reflector(), validator);
  }

  /** The caller's client-credentials token for program-service, as the identity provider issues it. */
  const ccToken = (azp = BFF, extra: Record<string, unknown> = {}) =>
    issuer.sign({
      aud: PROGRAM,
      azp,
      oid: `sp-${azp}`,
      sub: `sp-${azp}`,
      idtyp: 'app',
      roles: ['Delegation.Act'],
      ...extra,
    });

  /** Alice as the BFF validated her (a B2C user token under the MFA policy, roles from a custom attribute). */
  const aliceOf = () =>
    new AuthenticatedPrincipal(
      {
        iss: issuer.issuer,
        aud: 'bff',
        exp: NOW_S + 3_600,
        oid: 'alice-oid',
        sub: 'alice-oid',
        tid: issuer.tenantId,
        name: 'Alice',
        scp: 'access_as_user',
        roles: ['Underwriter'],
        amr: ['pwd', 'mfa'],
        tfp: 'B2C_1_mfa',
        idp: 'google.com',
      },
      'alice-user-token',
    );

  /** Valid proof claims for `bearer` from the BFF; override any of them. */
  const claims = (bearer: string, extra: Record<string, unknown> = {}) => ({
    iss: BFF,
    azp: BFF,
    aud: PROGRAM,
    sub: 'alice-oid',
    oid: 'alice-oid',
    tid: issuer.tenantId,
    name: 'Alice',
    amr: ['pwd'],
    roles: [],
    scp: 'Program.ReadWrite',
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 120,
    jti: 'proof-1',
    ath: accessTokenHash(bearer),
    ...extra,
  });

  async function run(
    bearer: string,
    proof?: string,
    on: JwtAuthGuard = guard,
  ): Promise<{ user?: AuthenticatedPrincipal; error?: ChainError }> {
    const req: { headers: Record<string, string>; user?: AuthenticatedPrincipal } = {
      headers: { authorization: `Bearer ${bearer}` },
    };
    if (proof !== undefined) req.headers['x-user-delegation'] = proof;
    const ctx = {
      getHandler: () => Routes.prototype.programmes,
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
      getArgs: () => [req, {}, undefined],
      getType: () => 'http',
    } as unknown as ExecutionContext;
    try {
      await on.canActivate(ctx);
      return { user: req.user };
    } catch (error) {
      if (error instanceof ChainError) return { error };
      throw error;
    }
  }

  it('hands the route the user a minted proof conveys: a round trip from the minter to the guard', async () => {
    const bearer = ccToken();
    const proof = new UserDelegationMinter(bffKey.key, BFF, clock, 10).proofFor(
      'PROGRAM',
      PROGRAM_DECL,
      aliceOf(),
      bearer,
    );
    const { user, error } = await run(bearer, proof);
    expect(error).toBeUndefined();
    expect(user).toMatchObject({
      kind: 'user',
      oid: 'alice-oid',
      tid: issuer.tenantId,
      name: 'Alice',
      scopes: ['Program.ReadWrite'],
      roles: ['Underwriter'],
      authMethods: ['pwd', 'mfa'],
      policy: 'B2C_1_mfa',
      identityProvider: 'google.com',
      callerAppId: BFF,
      delegatedBy: BFF,
    });
    expect(user?.expiresAt).toBe(NOW_S + 120);
    expect(user?.claims.act).toBeUndefined();
  });

  it('conveys the user over a second hop, naming the first delegator in act', async () => {
    const bffBearer = ccToken();
    const first = await run(bffBearer, signProof(bffKey, claims(bffBearer)));
    expect(first.error).toBeUndefined();
    const delegated = first.user as AuthenticatedPrincipal;
    const bearer = ccToken(DOCUMENTS);
    const readOnly = { ...PROGRAM_DECL, delegatedScopes: ['Program.Read'] };
    const proof = new UserDelegationMinter(documentsKey.key, DOCUMENTS, clock, 10).proofFor(
      'PROGRAM',
      readOnly,
      delegated,
      bearer,
    );
    const { user, error } = await run(bearer, proof);
    expect(error).toBeUndefined();
    expect(user).toMatchObject({
      kind: 'user',
      oid: 'alice-oid',
      delegatedBy: DOCUMENTS,
      scopes: ['Program.Read'],
    });
    expect(user?.claims.act).toEqual({ sub: BFF });
  });

  describe('refuses with 401 invalid_token and its own code', () => {
    const bearer = () => ccToken();

    it('(but accepts the unaltered proof each refusal below starts from)', async () => {
      const token = bearer();
      expect((await run(token, signProof(bffKey, claims(token)))).error).toBeUndefined();
    });

    const tamperedUser = () => {
      const [header, , signature] = signProof(bffKey, claims(bearer())).split('.');
      const body = Buffer.from(JSON.stringify(claims(bearer(), { roles: ['Underwriter'] }))).toString(
        'base64url',
      );
      return `${header}.${body}.${signature}`;
    };
    const hs256 = () => {
      const header = Buffer.from(
        JSON.stringify({ alg: 'HS256', kid: bffKey.key.kid, typ: 'user-delegation+jwt' }),
      ).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims(bearer()))).toString('base64url');
      const mac = createHmac('sha256', bffKey.pem).update(`${header}.${body}`).digest('base64url');
      return `${header}.${body}.${mac}`;
    };
    const refusals: [string, () => [string, string], string][] = [
      [
        'a proof minted for another audience',
        () => [bearer(), signProof(bffKey, claims(bearer(), { aud: 'api://pricing-service' }))],
        'delegation_audience_invalid',
      ],
      [
        'an expired proof',
        () => [
          bearer(),
          signProof(bffKey, claims(bearer(), { iat: NOW_S - 181, nbf: NOW_S - 181, exp: NOW_S - 61 })),
        ],
        'delegation_expired',
      ],
      [
        'a proof living longer than the maximum',
        () => [bearer(), signProof(bffKey, claims(bearer(), { exp: NOW_S + 301 }))],
        'delegation_invalid',
      ],
      [
        'a proof not valid yet',
        () => [bearer(), signProof(bffKey, claims(bearer(), { nbf: NOW_S + 61 }))],
        'delegation_invalid',
      ],
      [
        'a proof issued in the future',
        () => [bearer(), signProof(bffKey, claims(bearer(), { iat: NOW_S + 100, exp: NOW_S + 200 }))],
        'delegation_invalid',
      ],
      [
        'a proof whose caller is not the one presenting it (iss ≠ bearer azp)',
        () => [bearer(), signProof(documentsKey, claims(bearer(), { iss: DOCUMENTS, azp: DOCUMENTS }))],
        'delegation_binding_invalid',
      ],
      [
        'a proof whose azp is not its issuer',
        () => [bearer(), signProof(bffKey, claims(bearer(), { azp: DOCUMENTS }))],
        'delegation_binding_invalid',
      ],
      [
        'a caller that is not trusted to delegate',
        () => [
          ccToken(STRANGER),
          signProof(bffKey, claims(ccToken(STRANGER), { iss: STRANGER, azp: STRANGER })),
        ],
        'delegation_caller_untrusted',
      ],
      [
        'a proof with an altered user claim',
        () => [bearer(), tamperedUser()],
        'delegation_signature_invalid',
      ],
      [
        'a proof signed by a key the caller does not publish',
        () => [bearer(), signProof(unpublishedKey, claims(bearer()), { kid: bffKey.key.kid })],
        'delegation_signature_invalid',
      ],
      [
        'a proof under a kid the caller does not publish',
        () => [bearer(), signProof(documentsKey, claims(bearer()))],
        'delegation_signature_invalid',
      ],
      [
        'a proof replayed with another bearer token (ath)',
        () => [ccToken(BFF, { jti: 'another' }), signProof(bffKey, claims(bearer()))],
        'delegation_binding_invalid',
      ],
      [
        'a proof of the wrong type',
        () => [bearer(), signProof(bffKey, claims(bearer()), { typ: 'JWT' })],
        'delegation_invalid',
      ],
      [
        'a proof without a type',
        () => [bearer(), signProof(bffKey, claims(bearer()), { typ: undefined })],
        'delegation_invalid',
      ],
      [
        'a proof for a user of another tenant',
        () => [bearer(), signProof(bffKey, claims(bearer(), { tid: OTHER_TENANT }))],
        'delegation_invalid',
      ],
      [
        'a proof without a user',
        () => [bearer(), signProof(bffKey, claims(bearer(), { oid: undefined }))],
        'delegation_invalid',
      ],
      [
        'a proof with roles that are not a list',
        () => [bearer(), signProof(bffKey, claims(bearer(), { roles: 'Underwriter' }))],
        'delegation_invalid',
      ],
      ['an HS256 proof keyed with the caller key', () => [bearer(), hs256()], 'delegation_invalid'],
      ['a proof that is not a JWT', () => [bearer(), 'not-a-proof'], 'delegation_invalid'],
      [
        'two proofs in one request',
        () => [bearer(), `${signProof(bffKey, claims(bearer()))}, x.y.z`],
        'delegation_invalid',
      ],
      ['an empty proof header', () => [bearer(), ' '], 'delegation_invalid'],
      [
        'a proof beside a user token instead of an app token',
        () => [ccToken(BFF, { idtyp: 'user', scp: 'access_as_user' }), signProof(bffKey, claims(bearer()))],
        'delegation_invalid',
      ],
    ];

    it.each(refusals)('%s', async (_name, make, code) => {
      const [token, proof] = make();
      const { user, error } = await run(token, proof);
      expect(user).toBeUndefined();
      expect({ status: error?.status, code: error?.code }).toEqual({ status: 401, code });
      expect(error?.wwwAuthenticate).toMatch(/^Bearer error="invalid_token", error_description="/);
    });

    it('a proof sent to an API that trusts no delegating caller', async () => {
      const token = bearer();
      const { error } = await run(token, signProof(bffKey, claims(token)), guardFor({}));
      expect({ status: error?.status, code: error?.code }).toEqual({
        status: 401,
        code: 'delegation_caller_untrusted',
      });
    });
  });

  describe('answers 403 insufficient_scope', () => {
    it('for a delegated scope the caller may not convey', async () => {
      const token = ccToken(DOCUMENTS);
      const proof = signProof(
        documentsKey,
        claims(token, { iss: DOCUMENTS, azp: DOCUMENTS, scp: 'Program.ReadWrite' }),
      );
      const { error } = await run(token, proof);
      expect({ status: error?.status, code: error?.code }).toEqual({
        status: 403,
        code: 'delegation_scope_not_allowed',
      });
      expect(error?.wwwAuthenticate).toMatch(/^Bearer error="insufficient_scope"/);
    });

    it('for a bare client-credentials token on a route that needs a user', async () => {
      const { error } = await run(ccToken());
      expect({ status: error?.status, code: error?.code }).toEqual({
        status: 403,
        code: 'user_token_required',
      });
    });
  });

  it('keeps the proof and the bearer token out of the serialised principal', async () => {
    const token = ccToken();
    const proof = signProof(bffKey, claims(token, { jti: 'serialise' }));
    const { user } = await run(token, proof);
    const text = JSON.stringify(user);
    expect(text).not.toContain(proof.split('.')[2]);
    expect(text).not.toContain(token.split('.')[2]);
  });
});
