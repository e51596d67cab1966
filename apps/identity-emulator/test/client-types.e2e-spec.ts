import { createHash, X509Certificate } from 'node:crypto';

import { generate } from 'selfsigned';

import { decodeJwt, type HttpResponse, httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { inputValue, signIn } from './support/sign-in';
import {
  CLIENT,
  makeClientCertificate,
  SECRET,
  startTestEmulator,
  type TestCertificate,
  type TestEmulator,
  testRegistrations,
  USERS,
} from './support/test-emulator';

const CLI = '8d4e2f6a-9b1c-4d3e-a5f7-2c8b6e0d1f99';
const SPA_ORIGIN = { origin: 'http://localhost:8080' };

/** A certificate that was valid during 2022 only (expired long before the tests run). */
async function expiredCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'expired bff credential' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date('2022-01-01T00:00:00Z'),
    notAfterDate: new Date('2023-01-01T00:00:00Z'),
  });
  const thumbprintSha256 = createHash('sha256').update(new X509Certificate(pems.cert).raw).digest('hex');
  return { pem: pems.cert, privateKey: pems.private, thumbprintSha256 };
}

describe('client types and credentials (SPA, mobile and desktop, certificate validity)', () => {
  let te: TestEmulator;
  let msal: MsalClient;
  let valid: TestCertificate;
  let expired: TestCertificate;
  let revoked: TestCertificate;

  beforeAll(async () => {
    [valid, expired, revoked] = await Promise.all([
      makeClientCertificate(),
      expiredCertificate(),
      makeClientCertificate(),
    ]);
    const reg = testRegistrations(valid);
    const bff = reg.applications.find((a) => a.name === 'bff')!;
    bff.certificates.push({ pem: expired.pem }, { pem: revoked.pem, endDateTime: '2024-06-30T00:00:00Z' });
    te = await startTestEmulator({ registrations: reg });
    msal = await MsalClient.start(te.emulator.caFile);
  });
  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
  });

  const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, { form, headers });
  const errorOf = (res: HttpResponse): unknown[] => [
    res.status,
    res.json()['error'],
    res.json()['error_codes'],
  ];

  describe('SPA: tokens redeemed only cross-origin', () => {
    it('refuses a code redeemed without an Origin header with AADSTS9002327', async () => {
      const signedIn = await signIn(te, USERS.alice);
      const res = await token({
        client_id: CLIENT.web,
        grant_type: 'authorization_code',
        code: signedIn.code,
        redirect_uri: signedIn.redirectUri,
        code_verifier: signedIn.verifier,
        scope: 'api://bff/access_as_user openid offline_access',
      });
      expect(errorOf(res)).toEqual([400, 'invalid_request', [9002327]]);
      expect(res.json()['error_description']).toMatch(
        /^AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests\./,
      );
    });

    it('refuses its refresh token without an Origin header too', async () => {
      const signedIn = await signIn(te, USERS.alice);
      const first = await token(
        {
          client_id: CLIENT.web,
          grant_type: 'authorization_code',
          code: signedIn.code,
          redirect_uri: signedIn.redirectUri,
          code_verifier: signedIn.verifier,
          scope: 'api://bff/access_as_user offline_access',
        },
        SPA_ORIGIN,
      );
      const refresh = {
        client_id: CLIENT.web,
        grant_type: 'refresh_token',
        refresh_token: first.json()['refresh_token'] as string,
        scope: 'api://bff/access_as_user',
      };
      expect(errorOf(await token(refresh))).toEqual([400, 'invalid_request', [9002327]]);
      expect((await token(refresh, SPA_ORIGIN)).status).toBe(200);
    });
  });

  describe('mobile and desktop (public) client', () => {
    /** Signs alice in to the CLI app at `redirectUri` without PKCE; returns the redirect's code. */
    async function cliCode(redirectUri: string): Promise<string> {
      const url = new URL(te.url('/oauth2/v2.0/authorize'));
      url.search = new URLSearchParams({
        client_id: CLI,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'api://bff/access_as_user openid offline_access',
        state: 's',
      }).toString();
      const form = await httpsRequest(url.href, te.ca);
      expect(form.status).toBe(200);
      const done = await httpsRequest(te.url('/oauth2/v2.0/authorize'), te.ca, {
        form: {
          tx: inputValue(form.body, 'tx') ?? '',
          username: USERS.alice.username,
          password: USERS.alice.password,
        },
      });
      const location = new URL(done.headers.location ?? '');
      expect(location.origin).toBe(new URL(redirectUri).origin);
      return location.searchParams.get('code') ?? '';
    }

    it('signs in without PKCE at its loopback redirect URI on any port, and redeems without Origin', async () => {
      const redirectUri = 'http://localhost:53412/';
      const res = await token({
        client_id: CLI,
        grant_type: 'authorization_code',
        code: await cliCode(redirectUri),
        redirect_uri: redirectUri,
        scope: 'api://bff/access_as_user openid offline_access',
      });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.json()['access_token'] as string).payload).toMatchObject({
        aud: CLIENT.bff,
        azp: CLI,
        azpacr: '0',
      });
      // Not a SPA: no 24-hour cap on its refresh token.
      expect(res.json()['refresh_token']).toEqual(expect.any(String));
      expect(res.json()).not.toHaveProperty('refresh_token_expires_in');
    });

    it('refuses its cross-origin redemption with AADSTS9002326', async () => {
      const redirectUri = 'http://localhost:53413/';
      const res = await token(
        {
          client_id: CLI,
          grant_type: 'authorization_code',
          code: await cliCode(redirectUri),
          redirect_uri: redirectUri,
          scope: 'api://bff/access_as_user',
        },
        SPA_ORIGIN,
      );
      expect(errorOf(res)).toEqual([400, 'invalid_request', [9002326]]);
    });

    it('matches a SPA loopback redirect URI exactly, port included (AADSTS50011 page)', async () => {
      const url = new URL(te.url('/oauth2/v2.0/authorize'));
      url.search = new URLSearchParams({
        client_id: CLIENT.web,
        redirect_uri: 'http://localhost:9999/',
        response_type: 'code',
        scope: 'api://bff/access_as_user',
      }).toString();
      const res = await httpsRequest(url.href, te.ca);
      expect([res.status, res.headers.location]).toEqual([400, undefined]);
      expect(res.body).toContain('AADSTS50011');
    });

    it("signs in through msal-node's PublicClientApplication, its loopback server on a random port", async () => {
      const app = {
        clientId: CLI,
        authority: te.authority,
        knownAuthorities: [new URL(te.emulator.publicUrl).host],
        publicClient: true,
      };
      const result = await msal.token(app, {
        kind: 'interactive',
        scopes: ['api://bff/access_as_user'],
        user: USERS.alice,
      });
      expect(result.detail).toMatch(/^http:\/\/localhost:\d+$/);
      expect(decodeJwt(result.accessToken).payload).toMatchObject({ aud: CLIENT.bff, azp: CLI });
    });
  });

  describe('certificate credentials outside their validity', () => {
    const bffWith = (certificate: TestCertificate) => te.msalApp(CLIENT.bff, { certificate });

    it('refuses a certificate that expired in 2023 with AADSTS700027 "The key used is expired."', async () => {
      const failure = await msal.failure(bffWith(expired), {
        kind: 'cc',
        scopes: ['api://pricing-service/.default'],
      });
      expect(failure).toMatchObject({
        className: 'ServerError',
        errorCode: 'invalid_client',
        errorNo: 700027,
      });
      expect(failure.message).toMatch(
        /The key used is expired\., Thumbprint of key used by client: '[0-9A-F]{40}', Found key 'Start=01\/01\/2022 00:00:00, End=01\/01\/2023 00:00:00'/,
      );
    });

    it('refuses a valid certificate after the endDateTime of its registration', async () => {
      const failure = await msal.failure(bffWith(revoked), {
        kind: 'cc',
        scopes: ['api://pricing-service/.default'],
      });
      expect(failure.errorNo).toBe(700027);
      expect(failure.message).toMatch(/The key used is expired\..*End=06\/30\/2024 00:00:00/);
    });

    it('still accepts a certificate inside its window and the secret', async () => {
      const scopes = ['api://pricing-service/.default'];
      const viaCertificate = await msal.token(bffWith(valid), { kind: 'cc', scopes, skipCache: true });
      const viaSecret = await msal.token(te.msalApp(CLIENT.bff, { secret: SECRET.bff }), {
        kind: 'cc',
        scopes,
      });
      expect(decodeJwt(viaCertificate.accessToken).payload['azpacr']).toBe('2');
      expect(decodeJwt(viaSecret.accessToken).payload['azpacr']).toBe('1');
    });
  });
});
