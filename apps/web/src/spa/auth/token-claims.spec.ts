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

  it('ignores claims of the wrong type', () => {
    expect(accessTokenClaims(jwt({ aud: 1, amr: 'pwd', roles: [1] }))).toEqual({});
  });

  it('returns undefined for something that is not a JWT', () => {
    expect(accessTokenClaims('opaque-token')).toBeUndefined();
    expect(accessTokenClaims('a.bm90IGpzb24.c')).toBeUndefined();
  });
});
