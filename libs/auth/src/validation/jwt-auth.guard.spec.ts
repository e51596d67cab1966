import { createHmac, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';

import { TestIssuer } from '@chain/testing';
import { type ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { sign } from 'jsonwebtoken';

import { ChainError } from '../errors/chain.error';
import { JwtAuthGuard } from './jwt-auth.guard';
import { AuthenticatedPrincipal } from './principal';
import {
  AllowedCallers,
  AppOnly,
  Public,
  RequireAppRoles,
  RequireScopes,
  RequireScopesOrAppRoles,
  UserOnly,
} from './requirements';
import { TokenValidator } from './token-validator';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW_S = NOW / 1000;
const AUDIENCE = '2d9e4f1a-0000-4000-8000-000000004e33';
const APP_ID_URI = 'api://program-service';
const BFF = '1c8d3e0f-0000-4000-8000-000000003d22';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';

/** Handlers whose metadata the guard reads; each stands for one kind of route. */
class Routes {
  @Public() health(): void {}
  @RequireScopes('Program.Read', 'Program.ReadWrite') read(): void {}
  @RequireAppRoles('Pricing.Read.All') rates(): void {}
  @RequireScopesOrAppRoles({ scopes: ['Program.Read'], roles: ['Program.Read.All'] }) either(): void {}
  @UserOnly() @RequireScopes('Program.Read') userOnly(): void {}
  @AppOnly() @RequireAppRoles('Pricing.Read.All') appOnly(): void {}
  @AppOnly() @AllowedCallers(BFF) @RequireAppRoles('Pricing.Read.All') callers(): void {}
  bare(): void {}
}
type Route = keyof Routes;

describe('JwtAuthGuard (clock frozen, no container)', () => {
  let issuer: TestIssuer;
  let validator: TokenValidator;
  let guard: JwtAuthGuard;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    validator = TokenValidator.fromOptions({
      issuers: [issuer.issuer, 'https://login.multi.test/{tenantid}/v2.0'],
      allowedTenants: [issuer.tenantId],
      jwksUri: issuer.jwksUri,
      audiences: [AUDIENCE, APP_ID_URI],
    });
    guard = new JwtAuthGuard(new Reflector(), validator);
  });

  beforeEach(() => {
    jest.useFakeTimers({
      now: NOW,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
  });

  afterEach(() => jest.useRealTimers());
  afterAll(async () => issuer.stop());

  const userClaims = (extra: Record<string, unknown> = {}) => ({
    iss: issuer.issuer,
    tid: issuer.tenantId,
    aud: AUDIENCE,
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 3600,
    oid: 'user-oid',
    sub: 'user-sub',
    azp: BFF,
    scp: 'Program.Read',
    ver: '2.0',
    ...extra,
  });
  const appClaims = (extra: Record<string, unknown> = {}) =>
    userClaims({ scp: undefined, idtyp: 'app', roles: ['Pricing.Read.All'], ...extra });
  const token = (claims: Record<string, unknown>, options?: Parameters<TestIssuer['sign']>[1]) =>
    issuer.sign(claims, { bare: true, ...options });

  async function run(route: Route, authorization?: string): Promise<{ user?: unknown; error?: ChainError }> {
    const req: { headers: Record<string, string>; user?: unknown } = { headers: {} };
    if (authorization !== undefined) req.headers['authorization'] = authorization;
    const ctx = {
      getHandler: () => Routes.prototype[route],
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
      getArgs: () => [req, {}, undefined],
      getType: () => 'http',
    } as unknown as ExecutionContext;
    try {
      await guard.canActivate(ctx);
      return { user: req.user };
    } catch (error) {
      if (error instanceof ChainError) return { error };
      throw error;
    }
  }
  const bearer = (t: string) => `Bearer ${t}`;
  const segment = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const signature = () => token(userClaims()).split('.')[2];

  describe('refuses with 401 and its own code', () => {
    const refusals: [string, () => string | undefined, string][] = [
      ['no token', () => undefined, 'token_missing'],
      ['another scheme', () => 'Basic YWxpY2U6cGFzcw==', 'token_missing'],
      ['an empty bearer token', () => 'Bearer ', 'token_malformed'],
      ['not a JWT', () => bearer('not-a-jwt'), 'token_malformed'],
      [
        'bad base64',
        () => bearer(`${segment({ alg: 'RS256', kid: issuer.kid })}.e$$$.${signature()}`),
        'token_malformed',
      ],
      [
        'a header that is not JSON',
        () => bearer(`${segment('garbage')}.${segment(userClaims())}.${signature()}`),
        'token_malformed',
      ],
      [
        'a header that is an array',
        () => bearer(`${segment([1])}.${segment(userClaims())}.${signature()}`),
        'token_malformed',
      ],
      [
        'a duplicated header field',
        () =>
          bearer(
            `${segment(`{"alg":"RS256","kid":"${issuer.kid}","alg":"none"}`)}.${segment(userClaims())}.${signature()}`,
          ),
        'token_malformed',
      ],
      [
        'an escaped header field name',
        () =>
          bearer(
            `${segment(`{"alg":"RS256","kid":"${issuer.kid}","\\u0061lg":"none"}`)}.${segment(userClaims())}.${signature()}`,
          ),
        'token_malformed',
      ],
      ['a crit header', () => bearer(token(userClaims(), { header: { crit: ['exp'] } })), 'token_malformed'],
      [
        'a header without kid',
        () => bearer(`${segment({ alg: 'RS256' })}.${segment(userClaims())}.${signature()}`),
        'token_malformed',
      ],
      [
        'alg none',
        () => bearer(`${segment({ alg: 'none', kid: issuer.kid })}.${segment(userClaims())}.`),
        'token_algorithm_not_allowed',
      ],
      [
        'HS256 signed with the public key as secret',
        () => bearer(hs256WithPublicKey(userClaims())),
        'token_algorithm_not_allowed',
      ],
      [
        'RS256 by an unknown key under a known kid',
        () => bearer(token(userClaims(), { unpublishedKey: true })),
        'token_signature_invalid',
      ],
      [
        'an unknown kid',
        () => bearer(token(userClaims(), { header: { kid: 'nobody' } })),
        'token_key_unknown',
      ],
      [
        'a jku pointing at an attacker key',
        () => bearer(attackerToken({ jku: 'https://evil.test/keys' })),
        'token_key_unknown',
      ],
      [
        'an x5u pointing at an attacker key',
        () => bearer(attackerToken({ x5u: 'https://evil.test/cert.pem' })),
        'token_key_unknown',
      ],
      [
        'an embedded jwk of an attacker key',
        () => bearer(attackerToken({ jwk: attacker.jwk })),
        'token_key_unknown',
      ],
      [
        'an embedded jwk under the real kid',
        () => bearer(attackerToken({ jwk: attacker.jwk, kid: issuer.kid })),
        'token_signature_invalid',
      ],
      ['an expired token', () => bearer(token(userClaims({ exp: NOW_S - 61 }))), 'token_expired'],
      [
        'nbf in the future beyond tolerance',
        () => bearer(token(userClaims({ nbf: NOW_S + 61 }))),
        'token_not_yet_valid',
      ],
      ['a wrong audience', () => bearer(token(userClaims({ aud: 'api://bff' }))), 'token_audience_invalid'],
      [
        'a wrong issuer',
        () => bearer(token(userClaims({ iss: 'https://evil.test/v2.0' }))),
        'token_issuer_invalid',
      ],
      [
        'an issuer naming another tenant than tid',
        () => bearer(token(userClaims({ tid: OTHER_TENANT }))),
        'token_issuer_invalid',
      ],
      [
        'a tenant not allowed by a {tenantid} issuer',
        () =>
          bearer(
            token(userClaims({ iss: `https://login.multi.test/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT })),
          ),
        'token_tenant_not_allowed',
      ],
      [
        'an oversized token (> 16 KB)',
        () => bearer(token(userClaims({ padding: 'x'.repeat(17_000) }))),
        'token_too_large',
      ],
      ['a token without exp', () => bearer(token(userClaims({ exp: undefined }))), 'token_malformed'],
      [
        'a token with neither scp nor roles',
        () => bearer(token(userClaims({ scp: undefined }))),
        'token_no_permissions',
      ],
    ];

    it.each(refusals)('%s', async (_name, header, code) => {
      const { error } = await run('read', header());
      expect(error).toBeDefined();
      expect({ status: error?.status, code: error?.code }).toEqual({ status: 401, code });
      expect(error?.wwwAuthenticate).toMatch(
        code === 'token_missing' ? /^Bearer$/ : /^Bearer error="invalid_token", error_description="/,
      );
    });
  });

  describe('accepts', () => {
    it('a valid user token, and hands the handler a principal', async () => {
      const raw = token(userClaims({ amr: ['pwd', 'mfa'], acrs: ['c1'], name: 'Alice' }));
      const { user, error } = await run('read', bearer(raw));
      expect(error).toBeUndefined();
      expect(user).toBeInstanceOf(AuthenticatedPrincipal);
      const principal = user as AuthenticatedPrincipal;
      expect(principal).toMatchObject({
        kind: 'user',
        oid: 'user-oid',
        tid: issuer.tenantId,
        scopes: ['Program.Read'],
        callerAppId: BFF,
        authMethods: ['pwd', 'mfa'],
        authContexts: ['c1'],
        name: 'Alice',
      });
      expect(principal.rawToken()).toBe(raw);
    });

    it('the App ID URI as audience, and a token expired by less than the tolerance', async () => {
      expect(
        (await run('read', bearer(token(userClaims({ aud: APP_ID_URI, exp: NOW_S - 59 }))))).error,
      ).toBeUndefined();
    });

    it('a tenant of the allow-list through the {tenantid} template', async () => {
      const claims = userClaims({ iss: `https://login.multi.test/${issuer.tenantId}/v2.0` });
      expect((await run('read', bearer(token(claims)))).error).toBeUndefined();
    });

    it('a public route without any token', async () => {
      expect(await run('health')).toEqual({ user: undefined });
    });

    it('a repeated token from the validated-token cache, still checking the route each time', async () => {
      const raw = token(userClaims({ scp: 'Program.Read', jti: 'repeat' }));
      // `accept` runs once per signature check (the claims checks after a good signature).
      const verifySpy = jest.spyOn(validator, 'accept');
      expect((await run('read', bearer(raw))).error).toBeUndefined();
      expect((await run('read', bearer(raw))).error).toBeUndefined();
      expect(verifySpy).toHaveBeenCalledTimes(1);
      expect((await run('rates', bearer(raw))).error?.code).toBe('app_role_missing');
      verifySpy.mockRestore();
    });

    it('no cached token once it has expired', async () => {
      const raw = token(userClaims({ exp: NOW_S + 10, jti: 'short' }));
      expect((await run('read', bearer(raw))).error).toBeUndefined();
      jest.setSystemTime(NOW + 72_000);
      expect((await run('read', bearer(raw))).error?.code).toBe('token_expired');
    });
  });

  describe('answers 403 insufficient_scope across the requirement matrix', () => {
    const cases: [string, Route, () => Record<string, unknown>, string | undefined][] = [
      ['a user token without the scope', 'read', () => userClaims({ scp: 'Other.Scope' }), 'scope_missing'],
      [
        'a user token with one of the scopes',
        'read',
        () => userClaims({ scp: 'Program.ReadWrite' }),
        undefined,
      ],
      [
        'an app token without the role',
        'rates',
        () => appClaims({ roles: ['Other.Role'] }),
        'app_role_missing',
      ],
      ['an app token with the role', 'rates', () => appClaims(), undefined],
      ['scope-or-role with neither', 'either', () => userClaims({ scp: 'Other' }), 'scope_missing'],
      ['scope-or-role with the scope', 'either', () => userClaims(), undefined],
      ['scope-or-role with the role', 'either', () => appClaims({ roles: ['Program.Read.All'] }), undefined],
      [
        'user-only with an app token (idtyp app)',
        'userOnly',
        () => appClaims({ scp: 'Program.Read' }),
        'user_token_required',
      ],
      [
        'user-only with an app token (no scp, no idtyp)',
        'userOnly',
        () => appClaims({ idtyp: undefined }),
        'user_token_required',
      ],
      [
        'app-only with a user token',
        'appOnly',
        () => userClaims({ roles: ['Pricing.Read.All'] }),
        'app_token_required',
      ],
      ['an allowed caller', 'callers', () => appClaims(), undefined],
      [
        'a caller not on the list (azp)',
        'callers',
        () => appClaims({ azp: 'someone-else' }),
        'caller_not_allowed',
      ],
      [
        'a v1 caller on the list (appid)',
        'callers',
        () => appClaims({ azp: undefined, appid: BFF }),
        undefined,
      ],
    ];

    it.each(cases)('%s', async (_name, route, claims, code) => {
      const { error } = await run(route, bearer(token(claims())));
      if (code === undefined) return expect(error).toBeUndefined();
      expect({ status: error?.status, code: error?.code }).toEqual({ status: 403, code });
      expect(error?.wwwAuthenticate).toMatch(/^Bearer error="insufficient_scope"/);
    });
  });

  it('logs the audience received and the ones expected at debug when it refuses a wrong audience, never the token', async () => {
    const debug: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'debug').mockImplementation((message: unknown) => {
      debug.push(String(message));
    });
    try {
      const wrong = token(userClaims({ aud: 'api://someone-else' }));
      const { error } = await run('read', bearer(wrong));
      expect(error?.code).toBe('token_audience_invalid');
      expect(debug).toHaveLength(1);
      expect(debug[0]).toContain('audience "api://someone-else" is not one this API accepts');
      expect(debug[0]).toContain(`"${AUDIENCE}"`);
      expect(debug[0]).toContain(`"${APP_ID_URI}"`);
      expect(debug[0]).toContain('AUTH_AUDIENCES');
      expect(debug[0]).toContain(`to client "${BFF}"`);
      expect(debug[0]).not.toContain(wrong.split('.')[1]);
      expect(debug[0]).not.toContain(wrong.split('.')[2]);
    } finally {
      spy.mockRestore();
    }
  });

  it('fetches the JWKS at most once for a burst of tokens with one unknown kid', async () => {
    const before = issuer.jwksRequests;
    const forged = token(userClaims(), { header: { kid: 'burst-unknown' } });
    const results = await Promise.all(Array.from({ length: 20 }, () => run('read', bearer(forged))));
    expect(results.map((r) => r.error?.code)).toEqual(Array(20).fill('token_key_unknown'));
    expect(issuer.jwksRequests - before).toBeLessThanOrEqual(1);
  });

  it('never lets the raw token out of the principal when it is serialised or inspected', async () => {
    const raw = token(userClaims({ jti: 'secret-check' }));
    const { user } = await run('read', bearer(raw));
    expect(JSON.stringify(user)).not.toContain(raw.split('.')[2]);
    expect(inspect(user, { depth: 5, showHidden: true })).not.toContain(raw.split('.')[2]);
    expect(Object.keys(user as object)).not.toContain('rawToken');
  });

  function hs256WithPublicKey(claims: Record<string, unknown>): string {
    const publicPem = issuer.publicKeyPem; // the classic confusion: the issuer's own public key as HMAC secret
    const header = segment({ alg: 'HS256', kid: issuer.kid, typ: 'JWT' });
    const body = segment(claims);
    const mac = createHmac('sha256', publicPem).update(`${header}.${body}`).digest('base64url');
    return `${header}.${body}.${mac}`;
  }

  function attackerToken(header: Record<string, unknown>): string {
    return sign(userClaims(), attacker.privateKey, {
      algorithm: 'RS256',
      header: { alg: 'RS256', kid: 'attacker', ...header },
    });
  }
});

const attacker = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'attacker' },
  };
})();
