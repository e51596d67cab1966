import { REDACTED, redactSecrets, redactString } from './redact-secrets';

const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('redactSecrets', () => {
  it('removes string values under credential-like keys at any depth', () => {
    const record = {
      msg: 'token acquired',
      clientSecret: 'bff-local-secret',
      nested: {
        access_token: 'abc',
        client_assertion: 'def',
        password: 'p',
        headers: { authorization: 'x' },
      },
      list: [{ refreshToken: 'r' }],
    };
    expect(redactSecrets(record)).toEqual({
      msg: 'token acquired',
      clientSecret: REDACTED,
      nested: {
        access_token: REDACTED,
        client_assertion: REDACTED,
        password: REDACTED,
        headers: { authorization: REDACTED },
      },
      list: [{ refreshToken: REDACTED }],
    });
  });

  it('keeps non-secret structure under a token key, such as a hop record token summary', () => {
    const record = { token: { source: 'cache', acquireMs: 3 } };
    expect(redactSecrets(record)).toEqual(record);
  });

  it('removes JWTs and bearer credentials embedded in any string', () => {
    expect(redactString(`forwarding ${jwt} now`)).toBe(`forwarding ${REDACTED} now`);
    expect(redactString('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactSecrets({ detail: `bad token ${jwt}` })).toEqual({ detail: `bad token ${REDACTED}` });
  });

  it('leaves class instances to their serializers and does not mutate the input', () => {
    const error = new Error('boom');
    const record = { err: error, apiKey: 'k' };
    const out = redactSecrets(record);
    expect(out.err).toBe(error);
    expect(record.apiKey).toBe('k');
  });
});
