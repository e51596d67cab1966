import { createHash, randomBytes } from 'node:crypto';

import { decodeJwt, httpsRequest } from './support/https-client';
import { authorizeResult, authorizeUrl, inputValue, redeem, signIn } from './support/sign-in';
import {
  CLIENT,
  SECRET,
  startTestEmulator,
  TENANT_ID,
  type TestEmulator,
  USERS,
} from './support/test-emulator';

describe('authorization code + PKCE through the login form', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(async () => {
    await te?.stop();
  });

  it('issues an access token for the BFF, an id token with the nonce, client_info and a refresh token', async () => {
    const signedIn = await signIn(te, USERS.alice);
    const res = await redeem(te, signedIn);
    const body = res.json();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store, no-cache');
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'api://bff/access_as_user', expires_in: 3599 });
    expect(body['refresh_token']).toEqual(expect.any(String));
    expect(JSON.parse(Buffer.from(body['client_info'] as string, 'base64url').toString())).toEqual({
      uid: 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11',
      utid: TENANT_ID,
    });
    expect(decodeJwt(body['access_token'] as string).payload).toMatchObject({
      aud: CLIENT.bff,
      azp: CLIENT.web,
      azpacr: '0',
      scp: 'access_as_user',
      amr: ['pwd'],
      preferred_username: USERS.alice.username,
    });
    expect(decodeJwt(body['id_token'] as string).payload).toMatchObject({
      aud: CLIENT.web,
      nonce: signedIn.nonce,
      tid: TENANT_ID,
    });
  });

  it('echoes state and delivers the code by fragment and by form_post', async () => {
    for (const responseMode of ['fragment', 'form_post'] as const) {
      const signedIn = await signIn(te, { ...USERS.alice, responseMode });
      expect(signedIn.state).toMatch(/^[0-9a-f]{16}$/);
      expect((await redeem(te, signedIn)).status).toBe(200);
    }
  });

  it('refuses a wrong code_verifier with AADSTS501481', async () => {
    const signedIn = await signIn(te, USERS.alice);
    const res = await redeem(te, signedIn, { code_verifier: randomBytes(32).toString('base64url') });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('refuses a code redeemed twice with AADSTS54005', async () => {
    const signedIn = await signIn(te, USERS.alice);
    expect((await redeem(te, signedIn)).status).toBe(200);
    const again = await redeem(te, signedIn);
    expect(again.json()).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('refuses a redemption with another redirect URI with AADSTS500112', async () => {
    const signedIn = await signIn(te, USERS.alice);
    const res = await redeem(te, signedIn, { redirect_uri: 'http://127.0.0.1:8080/' });
    expect(res.json()).toMatchObject({ error: 'invalid_grant', error_codes: [500112] });
  });

  it('never redirects to a redirect URI that is not registered (AADSTS50011 page)', async () => {
    const challenge = createHash('sha256').update('v').digest('base64url');
    const url = authorizeUrl(
      te,
      { ...USERS.alice, redirectUri: 'https://evil.example/callback' },
      { challenge, state: 's', nonce: 'n' },
    );
    const res = await httpsRequest(url, te.ca);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain('AADSTS50011');
  });

  it('shows the form again with AADSTS50126 after a wrong password', async () => {
    const challenge = createHash('sha256').update('v').digest('base64url');
    const form = await httpsRequest(
      authorizeUrl(te, USERS.alice, { challenge, state: 's', nonce: 'n' }),
      te.ca,
    );
    const res = await httpsRequest(te.url('/oauth2/v2.0/authorize'), te.ca, {
      form: { tx: inputValue(form.body, 'tx') ?? '', username: USERS.alice.username, password: 'wrong' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('AADSTS50126');
    expect(res.body).toContain('id="sign-in"');
  });

  it('requires PKCE from the SPA and reports it at the redirect URI', async () => {
    const url = new URL(authorizeUrl(te, USERS.alice, { challenge: 'x', state: 'st', nonce: 'n' }));
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const result = authorizeResult(await httpsRequest(url.toString(), te.ca));
    expect(result.get('error')).toBe('invalid_request');
    expect(result.get('error_description')).toMatch(/^AADSTS9002325/);
    expect(result.get('state')).toBe('st');
  });

  it('runs the second factor when the claims ask for auth context c1, and only then', async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const plain = await signIn(te, USERS.uma);
    const stepped = await signIn(te, { ...USERS.uma, claims });
    expect([plain.askedForSecondFactor, stepped.askedForSecondFactor]).toEqual([false, true]);
    const token = (await redeem(te, stepped)).json()['access_token'] as string;
    expect(decodeJwt(token).payload).toMatchObject({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
  });

  it('shows the second-factor form again with AADSTS500121 after a wrong code', async () => {
    const challenge = createHash('sha256').update('v').digest('base64url');
    const url = authorizeUrl(
      te,
      { ...USERS.alice, scope: 'api://bff/access_as_user openid' },
      { challenge, state: 's', nonce: 'n' },
    );
    const withClaims = `${url}&claims=${encodeURIComponent('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}')}`;
    const form = await httpsRequest(withClaims, te.ca);
    const action = te.url('/oauth2/v2.0/authorize');
    const otpForm = await httpsRequest(action, te.ca, {
      form: {
        tx: inputValue(form.body, 'tx') ?? '',
        username: USERS.alice.username,
        password: USERS.alice.password,
      },
    });
    expect(otpForm.body).toContain('name="otp"');
    const wrong = await httpsRequest(action, te.ca, {
      form: { tx: inputValue(otpForm.body, 'tx') ?? '', otp: '000000' },
    });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toContain('AADSTS500121');
    expect(wrong.body).toContain('id="verify"');
  });

  it('answers prompt=none with login_required (no SSO session is kept)', async () => {
    const url = new URL(authorizeUrl(te, USERS.alice, { challenge: 'x', state: 'st', nonce: 'n' }));
    url.searchParams.set('prompt', 'none');
    expect(authorizeResult(await httpsRequest(url.toString(), te.ca)).get('error')).toBe('login_required');
  });

  it('redeems the refresh token for a new access token, bound to the client', async () => {
    const first = (await redeem(te, await signIn(te, USERS.alice))).json();
    const refresh = (clientId: string): ReturnType<typeof httpsRequest> =>
      httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
        headers: { origin: 'http://localhost:8080' },
        form: {
          client_id: clientId,
          grant_type: 'refresh_token',
          refresh_token: first['refresh_token'] as string,
          scope: 'api://bff/access_as_user',
        },
      });
    const ok = await refresh(CLIENT.web);
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.json()['access_token'] as string).payload).toMatchObject({
      aud: CLIENT.bff,
      scp: 'access_as_user',
    });
    const stolen = await httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
      form: {
        client_id: CLIENT.bff,
        client_secret: SECRET.bff,
        grant_type: 'refresh_token',
        refresh_token: first['refresh_token'] as string,
        scope: 'api://bff/access_as_user',
      },
    });
    expect(stolen.json()).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
  });
});
