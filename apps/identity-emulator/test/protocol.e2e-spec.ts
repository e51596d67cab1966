import { X509Certificate } from 'node:crypto';

import { type HttpResponse, httpsRequest } from './support/https-client';
import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';

describe('the emulator on the wire', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator({ hostnames: ['identity-emulator'] });
  });
  afterAll(async () => {
    await te?.stop();
  });

  const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, { form, headers });
  const cc = (extra: Record<string, string> = {}): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: CLIENT.bff,
    client_secret: SECRET.bff,
    scope: 'api://pricing-service/.default',
    ...extra,
  });

  describe('discovery', () => {
    it('serves tenant-GUID endpoints at the host the client used, with one public issuer', async () => {
      const path = `/${TENANT_ID}/v2.0/.well-known/openid-configuration`;
      const viaIp = (await httpsRequest(`${te.emulator.url}${path}`, te.ca)).json();
      const viaServiceName = await httpsRequest(`${te.emulator.url}${path}`, te.ca, {
        headers: { host: `identity-emulator:${te.emulator.port}` },
      });
      const issuer = `${te.emulator.publicUrl}/${TENANT_ID}/v2.0`;
      expect(viaIp).toMatchObject({
        issuer,
        token_endpoint: `${te.emulator.url}/${TENANT_ID}/oauth2/v2.0/token`,
      });
      expect(viaServiceName.json()).toMatchObject({
        issuer,
        jwks_uri: `https://identity-emulator:${te.emulator.port}/${TENANT_ID}/discovery/v2.0/keys`,
      });
      expect(viaServiceName.headers['cache-control']).toBe('max-age=86400, private');
      expect(viaServiceName.headers['access-control-allow-origin']).toBe('*');
    });

    it('ignores a host it does not answer to and falls back to the public URL', async () => {
      const res = await httpsRequest(
        `${te.emulator.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
        te.ca,
        {
          headers: { host: 'attacker.example' },
          servername: 'localhost',
        },
      );
      expect(res.json()['authorization_endpoint']).toBe(
        `${te.emulator.publicUrl}/${TENANT_ID}/oauth2/v2.0/authorize`,
      );
    });

    it('publishes signing keys with kid, x5t, x5c, n, e and the tenant issuer', async () => {
      const { keys } = (await httpsRequest(te.url('/discovery/v2.0/keys'), te.ca)).json<{
        keys: Record<string, unknown>[];
      }>();
      const key = keys[0] as Record<string, unknown>;
      expect(key).toMatchObject({
        kty: 'RSA',
        use: 'sig',
        e: 'AQAB',
        issuer: `${te.emulator.publicUrl}/${TENANT_ID}/v2.0`,
      });
      expect(key['x5t']).toBe(key['kid']);
      expect(
        () => new X509Certificate(Buffer.from((key['x5c'] as string[])[0] as string, 'base64')),
      ).not.toThrow();
    });

    it('answers instance discovery with this host as its own cloud', async () => {
      const authority = `${te.emulator.publicUrl}/${TENANT_ID}/oauth2/v2.0/authorize`;
      const res = await httpsRequest(
        `${te.emulator.publicUrl}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authority)}`,
        te.ca,
      );
      expect(res.json()).toMatchObject({
        tenant_discovery_endpoint: `${te.emulator.publicUrl}/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
      });
    });

    it('answers an unknown tenant with AADSTS90002', async () => {
      const res = await httpsRequest(
        `${te.emulator.url}/contoso.example/v2.0/.well-known/openid-configuration`,
        te.ca,
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    });
  });

  describe('token endpoint errors', () => {
    it('renders the Entra error shape with trace and correlation ids', async () => {
      const correlation = '0a0b0c0d-1111-2222-3333-444455556666';
      const res = await httpsRequest(
        `${te.url('/oauth2/v2.0/token')}?client-request-id=${correlation}`,
        te.ca,
        {
          form: cc({ scope: 'api://pricing-service/Pricing.Read.All' }),
        },
      );
      const body = res.json();
      expect(res.status).toBe(400);
      expect(body).toMatchObject({
        error: 'invalid_scope',
        error_codes: [1002012],
        trace_id: res.headers['x-ms-request-id'],
        correlation_id: correlation,
        error_uri: 'https://login.microsoftonline.com/error?code=1002012',
      });
      expect(body['error_description']).toMatch(
        /^AADSTS1002012: .*\r\nTrace ID: .*\r\nCorrelation ID: 0a0b0c0d.*\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
      );
      expect(body['timestamp']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    });

    it.each([
      [
        'two resources',
        cc({ scope: 'api://pricing-service/.default api://program-service/.default' }),
        400,
        'invalid_scope',
        28000,
      ],
      [
        'no credential',
        { grant_type: 'client_credentials', client_id: CLIENT.bff, scope: 'api://pricing-service/.default' },
        401,
        'invalid_client',
        7000218,
      ],
      [
        'an unknown client',
        cc({ client_id: '99999999-9999-4999-8999-999999999999' }),
        400,
        'unauthorized_client',
        700016,
      ],
      ['an unsupported grant', cc({ grant_type: 'password' }), 400, 'unsupported_grant_type', 70003],
      ['an unknown resource', cc({ scope: 'api://nowhere/.default' }), 400, 'invalid_resource', 500011],
      ['a secret from a public client', { ...cc(), client_id: CLIENT.web }, 401, 'invalid_client', 700025],
      [
        'OBO without requested_token_use',
        { ...cc(), grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'x' },
        400,
        'invalid_request',
        900144,
      ],
      [
        'OBO with a malformed assertion',
        {
          ...cc({ scope: 'api://program-service/Program.ReadWrite' }),
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          assertion: 'not-a-jwt',
        },
        400,
        'invalid_grant',
        50013,
      ],
      [
        'a claims parameter that is not JSON',
        {
          ...cc({ scope: 'api://program-service/Program.ReadWrite' }),
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          assertion: 'a.b.c',
          claims: '{nope',
        },
        400,
        'invalid_request',
        90100,
      ],
    ])('refuses %s with its AADSTS code', async (_what, form, status, error, code) => {
      const res = await token(form);
      expect([res.status, res.json()['error'], res.json()['error_codes']]).toEqual([status, error, [code]]);
    });

    it('accepts the secret by HTTP Basic and tolerates unknown parameters', async () => {
      const basic = Buffer.from(`${CLIENT.bff}:${encodeURIComponent(SECRET.bff)}`).toString('base64');
      const res = await token(
        {
          grant_type: 'client_credentials',
          scope: 'api://pricing-service/.default',
          'x-client-SKU': 'msal.js.node',
          'x-client-VER': '7.2.3',
        },
        { authorization: `Basic ${basic}` },
      );
      expect(res.status).toBe(200);
      expect(Object.keys(res.json()).sort()).toEqual([
        'access_token',
        'expires_in',
        'ext_expires_in',
        'token_type',
      ]);
    });
  });

  it('redirects a registered post_logout_redirect_uri and refuses others', async () => {
    const ok = await httpsRequest(
      te.url(
        `/oauth2/v2.0/logout?client_id=${CLIENT.web}&post_logout_redirect_uri=${encodeURIComponent('http://localhost:8080/')}&state=x`,
      ),
      te.ca,
    );
    const foreign = await httpsRequest(
      te.url(`/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`),
      te.ca,
    );
    expect([ok.status, ok.headers.location]).toEqual([302, 'http://localhost:8080/?state=x']);
    expect([foreign.status, foreign.headers.location]).toEqual([200, undefined]);
  });

  it('answers CORS preflight for the token endpoint', async () => {
    const res = await httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect([res.status, res.headers['access-control-allow-origin']]).toEqual([204, 'http://localhost:8080']);
  });
});
