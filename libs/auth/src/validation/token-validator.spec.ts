import { TestIssuer } from '@chain/testing';

import { ChainError } from '../errors/chain.error';
import { type AuthModuleOptions, AuthOptionsError, resolveAuthOptions } from './auth.options';
import type { AuthenticatedPrincipal } from './principal';
import { TokenValidator } from './token-validator';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW_S = NOW / 1000;
const TID = 'b2c0e1d2-3f4a-4b5c-8d6e-7f8091a2b3c4';
const OTHER = '11111111-2222-4333-8444-555555555555';
const API = '2d9e4f1a-0000-4000-8000-000000004e33';
const B2C_ISSUER = `https://contosob2c.b2clogin.com/${TID}/v2.0/`;
const CIAM_ISSUER = `https://${TID}.ciamlogin.com/${TID}/v2.0`;

describe('TokenValidator beyond workforce Entra (clock frozen)', () => {
  let b2c: TestIssuer;
  let ciam: TestIssuer;

  beforeAll(async () => {
    b2c = await TestIssuer.start({ tenantId: TID, issuer: B2C_ISSUER });
    ciam = await TestIssuer.start({ tenantId: TID, issuer: CIAM_ISSUER });
  });
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => jest.useRealTimers());
  afterAll(async () => Promise.all([b2c.stop(), ciam.stop()]));

  const validatorFor = (issuer: TestIssuer, extra: Partial<AuthModuleOptions> = {}) =>
    TokenValidator.fromOptions({
      issuers: [issuer.issuer],
      jwksUri: issuer.jwksUri,
      audiences: [API],
      ...extra,
    });

  /** A B2C access token: v1.0, policy in tfp, no tid (the tenant is in iss), scp space-separated. */
  const b2cToken = (claims: Record<string, unknown> = {}) =>
    b2c.sign({
      iss: B2C_ISSUER,
      tid: undefined,
      ver: '1.0',
      aud: API,
      oid: 'alice-oid',
      sub: 'alice-oid',
      azp: 'bff-client',
      scp: 'Program.ReadWrite',
      tfp: 'B2C_1_signin',
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 3600,
      ...claims,
    });

  async function outcome(validator: TokenValidator, token: string): Promise<AuthenticatedPrincipal | string> {
    try {
      return await validator.validate(token);
    } catch (error) {
      if (error instanceof ChainError) return error.code;
      throw error;
    }
  }

  describe('issuers by configuration', () => {
    it('accepts a B2C token under its issuer with the trailing slash, and takes the tenant from iss', async () => {
      const principal = await outcome(validatorFor(b2c), b2cToken({ idp: 'google.com' }));
      expect(principal).toMatchObject({
        kind: 'user',
        tid: TID,
        policy: 'B2C_1_signin',
        identityProvider: 'google.com',
      });
    });

    it('refuses a B2C issuer written without its trailing slash', async () => {
      const strict = TokenValidator.fromOptions({
        issuers: [B2C_ISSUER.slice(0, -1)],
        jwksUri: b2c.jwksUri,
        audiences: [API],
      });
      expect(await outcome(strict, b2cToken())).toBe('token_issuer_invalid');
    });

    it('accepts an External ID token under the ciamlogin issuer', async () => {
      const token = ciam.sign({
        aud: API,
        oid: 'bob-oid',
        sub: 'bob-oid',
        azp: 'bff-client',
        scp: 'Program.Read',
      });
      expect(await outcome(validatorFor(ciam), token)).toMatchObject({
        kind: 'user',
        tid: TID,
        oid: 'bob-oid',
      });
    });

    it('refuses an External ID token of another tenant and one whose tid contradicts its issuer', async () => {
      const validator = validatorFor(ciam);
      const foreign = ciam.sign({
        iss: `https://${OTHER}.ciamlogin.com/${OTHER}/v2.0`,
        tid: OTHER,
        aud: API,
        oid: 'x',
        scp: 'Program.Read',
      });
      expect(await outcome(validator, foreign)).toBe('token_issuer_invalid');
      const mixed = ciam.sign({ tid: OTHER, aud: API, oid: 'x', scp: 'Program.Read' });
      expect(await outcome(validator, mixed)).toBe('token_issuer_invalid');
    });
  });

  describe('applicationPermissions: app-only B2C client-credentials tokens', () => {
    const validator = () =>
      validatorFor(b2c, { applicationPermissions: ['Pricing.Read.All', 'Delegation.Act'] });
    const cases: [string, Record<string, unknown>, { kind: string; scopes: string[]; roles: string[] }][] = [
      [
        'a token whose scp values are all application permissions is app-only, and they are its roles',
        { scp: 'Pricing.Read.All Delegation.Act', tfp: undefined },
        { kind: 'app', scopes: [], roles: ['Pricing.Read.All', 'Delegation.Act'] },
      ],
      [
        'a token mixing a delegated scope with a permission is a user token',
        { scp: 'Pricing.Read.All Program.Read' },
        { kind: 'user', scopes: ['Pricing.Read.All', 'Program.Read'], roles: [] },
      ],
      [
        'a token with idtyp keeps what idtyp says',
        { scp: 'Pricing.Read.All', idtyp: 'user' },
        { kind: 'user', scopes: ['Pricing.Read.All'], roles: [] },
      ],
    ];

    it.each(cases)('%s', async (_name, claims, expected) => {
      expect(await outcome(validator(), b2cToken(claims))).toMatchObject(expected);
    });

    it('leaves a permission-only token a user token when no permissions are configured', async () => {
      expect(await outcome(validatorFor(b2c), b2cToken({ scp: 'Pricing.Read.All' }))).toMatchObject({
        kind: 'user',
        roles: [],
      });
    });
  });

  describe('roleClaims', () => {
    const validator = () => validatorFor(b2c, { roleClaims: ['extension_Roles', 'groups_as_roles'] });

    it('adds a space-separated custom attribute to the roles', async () => {
      const principal = await outcome(validator(), b2cToken({ extension_Roles: 'Underwriter  Auditor' }));
      expect(principal).toMatchObject({ roles: ['Underwriter', 'Auditor'] });
    });

    it('adds an array claim to the roles, after the token roles and without duplicates', async () => {
      const token = b2cToken({ roles: ['Reader'], groups_as_roles: ['Underwriter', 'Reader', 7] });
      expect(await outcome(validator(), token)).toMatchObject({ roles: ['Reader', 'Underwriter'] });
    });

    it('reads no role from a claim that is not configured', async () => {
      expect(await outcome(validatorFor(b2c), b2cToken({ extension_Roles: 'Underwriter' }))).toMatchObject({
        roles: [],
      });
    });
  });

  describe('mfaPolicies', () => {
    const validator = () => validatorFor(b2c, { mfaPolicies: ['B2C_1_mfa'] });

    it('counts a token of an MFA policy (tfp, any case) as multi-factor', async () => {
      const principal = await outcome(validator(), b2cToken({ tfp: 'b2c_1_MFA', amr: ['pwd'] }));
      expect(principal).toMatchObject({ policy: 'b2c_1_MFA', authMethods: ['pwd', 'mfa'] });
    });

    it('reads the policy from acr when the tenant emits acr instead of tfp', async () => {
      const principal = await outcome(validator(), b2cToken({ tfp: undefined, acr: 'B2C_1_mfa' }));
      expect(principal).toMatchObject({ policy: 'B2C_1_mfa', authMethods: ['mfa'] });
    });

    it('does not count the sign-in policy as multi-factor', async () => {
      expect(await outcome(validator(), b2cToken())).toMatchObject({
        policy: 'B2C_1_signin',
        authMethods: [],
      });
    });
  });
});

describe('resolveAuthOptions for the B2C and delegation options', () => {
  const base = { issuers: [B2C_ISSUER], jwksUri: 'https://idp.test/keys', audiences: [API] };
  const problemsOf = (options: Partial<AuthModuleOptions>): string => {
    try {
      resolveAuthOptions({ ...base, ...options });
    } catch (error) {
      if (error instanceof AuthOptionsError) return error.message;
      throw error;
    }
    return '';
  };

  it('defaults the longest proof lifetime to 300 s and indexes the callers', () => {
    const resolved = resolveAuthOptions({
      ...base,
      delegation: {
        callers: [{ clientId: 'bff', jwksUri: 'http://bff.test/jwks', scopes: ['Program.Read'] }],
      },
    });
    expect(resolved.delegation?.maxProofLifetimeSeconds).toBe(300);
    expect(resolved.delegation?.callers.get('bff')?.scopes.has('Program.Read')).toBe(true);
  });

  it.each([
    ['a role claim that would turn scopes into roles', { roleClaims: ['scp'] }, 'roleClaims'],
    ['an MFA policy with a space', { mfaPolicies: ['B2C 1'] }, 'mfaPolicies'],
    ['no delegation caller', { delegation: { callers: [] } }, 'delegation.callers'],
    [
      'a caller JWKS that is not a URL',
      { delegation: { callers: [{ clientId: 'bff', jwksUri: 'bff', scopes: ['Program.Read'] }] } },
      'delegation.callers[0].jwksUri',
    ],
    [
      'a caller scope with its resource',
      {
        delegation: {
          callers: [
            { clientId: 'bff', jwksUri: 'http://bff.test/jwks', scopes: ['api://program/Program.Read'] },
          ],
        },
      },
      'delegation.callers[0].scopes',
    ],
    [
      'a caller listed twice',
      {
        delegation: {
          callers: [
            { clientId: 'bff', jwksUri: 'http://bff.test/jwks', scopes: ['Program.Read'] },
            { clientId: 'bff', jwksUri: 'http://bff.test/jwks', scopes: ['Program.Read'] },
          ],
        },
      },
      'delegation.callers[1].clientId',
    ],
    [
      'a proof lifetime beyond an hour',
      {
        delegation: {
          callers: [{ clientId: 'bff', jwksUri: 'http://bff.test/jwks', scopes: ['Program.Read'] }],
          maxProofLifetimeSeconds: 7200,
        },
      },
      'delegation.maxProofLifetimeSeconds',
    ],
  ] as [string, Partial<AuthModuleOptions>, string][])(
    'refuses %s, naming the option',
    (_name, options, option) => {
      expect(problemsOf(options)).toContain(`${option}:`);
    },
  );
});
