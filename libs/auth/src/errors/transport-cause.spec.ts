import { transportCauseOf, transportCodeOf, transportHint } from './transport-cause';

const target = { host: 'login.example.test:8443', addressSetting: 'AUTH_JWKS_URI', caOption: 'jwksCaPem' };

describe('transport causes', () => {
  it('finds the code of the socket error that fetch wraps in its cause', () => {
    const socket = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const fetchError = new TypeError('fetch failed', { cause: socket });
    expect(transportCodeOf(fetchError)).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(transportCodeOf(new Error('no code'))).toBeUndefined();
  });

  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['EWHATEVER', 'other'],
  ])('classifies %s as a %s failure', (code, kind) => {
    expect(transportCauseOf(Object.assign(new Error('x'), { code }))).toEqual({ kind, code });
  });

  it('tells to trust the CA with NODE_EXTRA_CA_CERTS (or the option) for an untrusted certificate', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    ]) {
      const hint = transportHint(transportCauseOf(code), target);
      expect(hint).toContain(`(${code})`);
      expect(hint).toContain('NODE_EXTRA_CA_CERTS');
      expect(hint).toContain('jwksCaPem');
      expect(hint).toContain('login.example.test:8443');
    }
  });

  it('names the host and the setting for a host name that does not resolve or a refused connection', () => {
    expect(transportHint(transportCauseOf('ENOTFOUND'), target)).toMatch(
      /login\.example\.test:8443 does not resolve \(DNS ENOTFOUND\).*AUTH_JWKS_URI/,
    );
    expect(transportHint(transportCauseOf('ECONNREFUSED'), target)).toMatch(
      /nothing answers at login\.example\.test:8443 \(ECONNREFUSED\).*AUTH_JWKS_URI/,
    );
    expect(transportHint(transportCauseOf('ECONNRESET'), target)).toBeUndefined();
  });
});
