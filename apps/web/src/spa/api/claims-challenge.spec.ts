import { claimsFromChallenge, decodeBase64Text, parseWwwAuthenticate } from './claims-challenge';

const C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const base64 = Buffer.from(C1).toString('base64');
const base64url = Buffer.from(C1).toString('base64url');

describe('parseWwwAuthenticate', () => {
  it('reads quoted parameters containing commas, equals signs and escaped quotes', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="", error_description="a, b=c \\"d\\"", error="invalid_token"',
    );
    expect(challenge).toEqual({
      scheme: 'Bearer',
      params: { realm: '', error_description: 'a, b=c "d"', error: 'invalid_token' },
    });
  });

  it('separates several challenges in one header', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="x", Bearer error="insufficient_claims", claims="e30="',
    );
    expect(challenges.map((c) => c.scheme)).toEqual(['Basic', 'Bearer']);
    expect(challenges[1]?.params['claims']).toBe('e30=');
  });

  it('lower-cases parameter names and keeps an unquoted value whole', () => {
    expect(parseWwwAuthenticate('Bearer Error=insufficient_claims, Claims=e30=')[0]?.params).toEqual({
      error: 'insufficient_claims',
      claims: 'e30=',
    });
  });
});

describe('claimsFromChallenge', () => {
  it.each([
    ['base64 with padding', base64],
    ['base64url without padding', base64url],
  ])('decodes the claims of an Entra claims challenge (%s)', (_name, encoded) => {
    const header = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${encoded}"`;
    expect(claimsFromChallenge(header)).toBe(C1);
  });

  it('ignores a challenge that is not insufficient_claims', () => {
    expect(claimsFromChallenge(`Bearer error="invalid_token", claims="${base64}"`)).toBeUndefined();
  });

  it('rejects claims that are not base64 JSON', () => {
    expect(claimsFromChallenge('Bearer error="insufficient_claims", claims="not json!"')).toBeUndefined();
    expect(
      claimsFromChallenge(`Bearer error="insufficient_claims", claims="${btoa('"text"')}"`),
    ).toBeUndefined();
  });

  it('returns undefined when the header is absent', () => {
    expect(claimsFromChallenge(null)).toBeUndefined();
  });
});

describe('decodeBase64Text', () => {
  it('decodes UTF-8 text', () => {
    expect(decodeBase64Text(Buffer.from('Zürich').toString('base64url'))).toBe('Zürich');
  });
});
