import { accessTokenClaims } from './token-claims';

const jwt = (payload: object) =>
  ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(payload)]
    .map((p) => Buffer.from(p).toString('base64url'))
    .join('.') + '.c2lnbmF0dXJl';

describe('accessTokenClaims', () => {
  it('keeps the claims the inspector shows and drops the rest', () => {
    const claims = accessTokenClaims(
      jwt({
        aud: 'bff-id',
        scp: 'access_as_user',
        amr: ['pwd', 'mfa'],
        acrs: ['c1'],
        exp: 1,
        name: 'Alice',
        nonce: 'n',
      }),
    );
    expect(claims).toEqual({
      aud: 'bff-id',
      scp: 'access_as_user',
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
      exp: 1,
    });
  });

  it('keeps the user flow and the identity provider of a B2C token (tfp, or acr in older tenants)', () => {
    expect(accessTokenClaims(jwt({ ver: '1.0', tfp: 'B2C_1_signin_mfa', idp: 'google.com' }))).toEqual({
      ver: '1.0',
      tfp: 'B2C_1_signin_mfa',
      idp: 'google.com',
    });
    expect(accessTokenClaims(jwt({ acr: 'b2c_1_signin' }))).toEqual({ tfp: 'b2c_1_signin' });
  });

  it('ignores claims of the wrong type', () => {
    expect(accessTokenClaims(jwt({ aud: 1, amr: 'pwd', roles: [1] }))).toEqual({});
  });

  it('returns undefined for something that is not a JWT', () => {
    expect(accessTokenClaims('opaque-token')).toBeUndefined();
    expect(accessTokenClaims('a.bm90IGpzb24.c')).toBeUndefined();
  });
});
