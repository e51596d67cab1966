import { findJwts } from './find-jwts';

const JWT = ['eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl'].join('.');

describe('findJwts', () => {
  it('finds a JWT inside other text', () => {
    expect(findJwts(`{"t":"${JWT}","e":1}`)).toEqual([JWT]);
  });

  it('ignores random base64url that merely contains eyJ and dots', () => {
    expect(
      findJwts('v1.AQCeyJk8Uhy.sR9-jJXk8Uhy.TFPVj4QNiL8c57x1CVL9n9eyJIia_edJKXEq4.EdZeEN6o.WPMQ'),
    ).toEqual([]);
  });
});
