import { buildBearerChallenge, parseBearerChallenge } from './bearer-challenge';

const CLAIMS = '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}'; // CAE example, docs/entra-protocol.md#claims-challenges-and-step-up

describe('Bearer challenges (RFC 6750 §3, docs/entra-protocol.md)', () => {
  it('builds a challenge without error when no token was sent', () => {
    expect(buildBearerChallenge()).toBe('Bearer');
  });

  it('builds and parses an Entra claims challenge, keeping the base64 padding', () => {
    const claims = Buffer.from(CLAIMS).toString('base64');
    expect(claims.endsWith('=')).toBe(true);
    const header = buildBearerChallenge({
      realm: '',
      authorizationUri: 'https://login.test/t/oauth2/v2.0/authorize',
      error: 'insufficient_claims',
      claims,
    });
    expect(header).toBe(
      `Bearer realm="", authorization_uri="https://login.test/t/oauth2/v2.0/authorize", error="insufficient_claims", claims="${claims}"`,
    );
    expect(parseBearerChallenge(header)).toMatchObject({
      realm: '',
      error: 'insufficient_claims',
      claims: CLAIMS,
    });
  });

  it('parses base64url claims, unquoted values and a following challenge of another scheme', () => {
    const claims = Buffer.from(CLAIMS).toString('base64url');
    const parsed = parseBearerChallenge(
      `Bearer error=insufficient_claims, claims="${claims}", Basic realm="x"`,
    );
    expect(parsed).toMatchObject({ error: 'insufficient_claims', claims: CLAIMS });
  });

  it('unescapes quoted-strings and keeps the first of repeated parameters', () => {
    const parsed = parseBearerChallenge(
      'Bearer error="invalid_token", error_description="say \\"hi\\"", error="other"',
    );
    expect(parsed).toMatchObject({ error: 'invalid_token', errorDescription: 'say "hi"' });
  });

  it('sanitises an error_description to the characters RFC 6750 allows', () => {
    expect(buildBearerChallenge({ error: 'invalid_token', errorDescription: 'bad "x"\n\u00e9' })).toBe(
      `Bearer error="invalid_token", error_description="bad 'x'  "`,
    );
  });

  it('returns undefined without a Bearer challenge and ignores undecodable claims', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge('Bearer claims="not-json"')?.claims).toBeUndefined();
  });
});
