import { IdentityMode } from '@chain/local-tenant';

import { decodeJwt, type HttpResponse, httpsRequest } from './support/https-client';
import { type ModeEmulator, startModeEmulator } from './support/mode-emulator';
import { MsalClient } from './support/msal-client';
import { authorizeResult, inputValue } from './support/sign-in';

const SIGN_IN = 'B2C_1_signupsignin';
const MFA = 'B2C_1_signin_mfa';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** B2C's error description: `AADB2C<code>: <text>\r\nCorrelation ID: <guid>\r\nTimestamp: <time>\r\n`. */
const B2C_TRAILER = /\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\r\n$/;

describe('Azure AD B2C mode (registrations.b2c.yaml)', () => {
  let b2c: ModeEmulator;
  let msal: MsalClient;
  let tid: string;
  let domain: string;
  let issuer: string;

  beforeAll(async () => {
    b2c = await startModeEmulator(IdentityMode.B2c);
    msal = await MsalClient.start(b2c.emulator.caFile);
    tid = b2c.tenant.id;
    domain = b2c.tenant.domain;
    issuer = `${b2c.emulator.publicUrl}/${tid}/v2.0/`;
  });
  afterAll(async () => {
    await msal?.stop();
    await b2c?.stop();
  });

  const flowUrl = (policy: string, path: string): string =>
    `${b2c.emulator.publicUrl}/${domain}/${policy}${path}`;
  const uri = (app: string): string => b2c.app(app).identifierUris[0] as string;
  const tokenRequest = (form: Record<string, string>): Promise<HttpResponse> =>
    httpsRequest(flowUrl(SIGN_IN, '/oauth2/v2.0/token'), b2c.ca, { form });

  describe('discovery', () => {
    it("serves each user flow's document with the trailing-slash issuer and policy-scoped endpoints", async () => {
      for (const policy of [SIGN_IN, MFA]) {
        const doc = (
          await httpsRequest(flowUrl(policy, '/v2.0/.well-known/openid-configuration'), b2c.ca)
        ).json();
        const base = `${b2c.emulator.publicUrl}/${domain}/${policy.toLowerCase()}`;
        expect(doc).toMatchObject({
          issuer,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        });
        expect(doc['claims_supported']).toEqual(expect.arrayContaining(['tfp', 'idp', 'extension_Roles']));
        expect(doc['cloud_instance_name']).toBeUndefined();
      }
      expect(b2c.endpoints.issuer).toBe(issuer);
    });

    it('refuses tenant paths without a registered user flow', async () => {
      const statuses = await Promise.all(
        [`/${domain}`, `/${domain}/B2C_1_other`].map(
          async (path) =>
            (
              await httpsRequest(
                `${b2c.emulator.publicUrl}${path}/v2.0/.well-known/openid-configuration`,
                b2c.ca,
              )
            ).status,
        ),
      );
      expect(statuses).toEqual([404, 404]);
    });
  });

  describe('token endpoint', () => {
    it('gives msal-node client-credentials tokens with the application permissions in scp', async () => {
      const program = await msal.token(b2c.msalApp('bff'), {
        kind: 'cc',
        scopes: [`${uri('program-service')}/.default`],
      });
      const pricing = await msal.token(b2c.msalApp('bff'), {
        kind: 'cc',
        scopes: [`${uri('pricing-service')}/.default`],
      });
      const claims = decodeJwt(program.accessToken).payload;
      expect(claims).toMatchObject({
        aud: b2c.app('program-service').clientId,
        iss: issuer,
        ver: '1.0',
        tfp: SIGN_IN,
        scp: 'Delegation.Act',
        azp: b2c.app('bff').clientId,
      });
      expect(decodeJwt(pricing.accessToken).payload['scp']).toBe('Pricing.Read.All');
      expect([claims['roles'], claims['idtyp'], claims['azpacr']]).toEqual([undefined, undefined, undefined]);
    });

    it('refuses on-behalf-of with AADB2C90086 unsupported_grant_type, in msal-node and on the wire', async () => {
      const alice = await b2c.signIn('alice');
      const failure = await msal.failure(b2c.msalApp('bff'), {
        kind: 'obo',
        oboAssertion: alice.accessToken,
        scopes: [`${uri('program-service')}/Program.ReadWrite`],
      });
      const raw = await tokenRequest({
        grant_type: JWT_BEARER,
        requested_token_use: 'on_behalf_of',
        client_id: b2c.app('bff').clientId,
        client_secret: b2c.app('bff').secrets[0]?.value ?? '',
        assertion: alice.accessToken,
        scope: `${uri('program-service')}/Program.ReadWrite`,
      });
      const body = raw.json<Record<string, string>>();
      expect(failure).toMatchObject({ className: 'ServerError', errorCode: 'unsupported_grant_type' });
      expect(failure.message).toContain(
        `AADB2C90086: The supplied grant_type [${JWT_BEARER}] is not supported.`,
      );
      expect(raw.status).toBe(400);
      expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
      expect(body['error']).toBe('unsupported_grant_type');
      expect(body['error_description']).toMatch(
        new RegExp(`^AADB2C90086: The supplied grant_type \\[${JWT_BEARER}\\] is not supported\\.`),
      );
      expect(body['error_description']).toMatch(B2C_TRAILER);
    });

    it('answers other errors in the B2C shape with its own codes where B2C documents one', async () => {
      const bff = b2c.app('bff').clientId;
      const scope = `${uri('pricing-service')}/.default`;
      const wrongSecret = await tokenRequest({
        grant_type: 'client_credentials',
        client_id: bff,
        client_secret: 'not-the-secret-of-this-app',
        scope,
      });
      const noGrant = await tokenRequest({ client_id: bff, scope });
      const answers = [wrongSecret, noGrant].map((r) => r.json<Record<string, string>>());
      expect(answers.map((a) => Object.keys(a).sort())).toEqual([
        ['error', 'error_description'],
        ['error', 'error_description'],
      ]);
      expect(answers[0]?.['error_description']).toMatch(
        /^AADB2C90081: The specified client_secret does not match/,
      );
      expect(answers[1]).toMatchObject({ error: 'invalid_request' });
      expect(answers[1]?.['error_description']).toMatch(
        /^AADB2C90083: The request is missing required parameter: grant_type\.\r\n/,
      );
      for (const answer of answers) expect(answer['error_description']).toMatch(B2C_TRAILER);
    });
  });

  describe('user flows', () => {
    it('signs a local account in under the sign-in flow without a second factor or an idp claim', async () => {
      // A second-factor page would be answered with a wrong code and fail the sign-in.
      const alice = await b2c.signIn('alice', { otp: '000000' });
      expect(alice.claims).toMatchObject({
        iss: issuer,
        aud: b2c.app('bff').clientId,
        azp: b2c.app('web').clientId,
        ver: '1.0',
        tfp: SIGN_IN,
        sub: 'a11ce5e0-b2c0-4c2d-8e3f-000000000a11',
        scp: 'access_as_user',
        emails: ['alice@northwind.example'],
      });
      expect([alice.claims['idp'], alice.claims['amr'], alice.claims['acrs']]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('asks for the one-time code under the MFA flow and names that flow in tfp', async () => {
      await expect(b2c.signIn('alice', { policy: MFA, otp: '000000' })).rejects.toThrow(/AADSTS500121/);
      const stepped = await b2c.signIn('alice', { policy: MFA });
      expect(stepped.claims).toMatchObject({ tfp: MFA, iss: issuer, scp: 'access_as_user' });
      expect(decodeJwt(stepped.idToken ?? '').payload).toMatchObject({
        tfp: MFA,
        aud: b2c.app('web').clientId,
      });
    });

    it('signs a social account in through its identity provider and puts idp in the id and access tokens', async () => {
      const dana = await b2c.signIn('dana');
      const stepped = await b2c.signIn('dana', { policy: MFA });
      const id = decodeJwt(dana.idToken ?? '').payload;
      expect(dana.claims).toMatchObject({
        idp: 'google.com',
        tfp: SIGN_IN,
        emails: ['dana.broker@gmail.example'],
      });
      expect(id).toMatchObject({ idp: 'google.com', tfp: SIGN_IN });
      expect(stepped.claims).toMatchObject({ idp: 'google.com', tfp: MFA });
    });

    it('keeps local and social accounts apart: each signs in only on its own page', async () => {
      const localPage = await postCredentials('dana.broker@gmail.example', 'Passw0rd!dana');
      const socialPage = await postCredentials('alice@northwind.example', 'Passw0rd!alice', 'google.com');
      expect([localPage.status, socialPage.status]).toEqual([200, 200]);
      expect(localPage.body).toContain('AADB2C90054: Invalid username or password.');
      expect(socialPage.body).toContain('google.com: wrong e-mail address or password');
      await expect(b2c.signIn('alice', { identityProvider: 'google.com' })).rejects.toThrow(/wrong e-mail/);
    });

    it("returns a custom attribute as an extension_ claim in the user's id and access tokens", async () => {
      const uma = await b2c.signIn('uma');
      expect(uma.claims).toMatchObject({ extension_Roles: 'Underwriter', tfp: SIGN_IN });
      expect(uma.claims['roles']).toBeUndefined();
      expect(decodeJwt(uma.idToken ?? '').payload).toMatchObject({ extension_Roles: 'Underwriter' });
    });

    it('answers the code grant with B2C response fields and a policy-scoped client_info', async () => {
      const web = b2c.app('web');
      const verifier = 'v'.repeat(43);
      const { createHash } = await import('node:crypto');
      const authorize = new URL(flowUrl(MFA, '/oauth2/v2.0/authorize'));
      authorize.search = new URLSearchParams({
        client_id: web.clientId,
        redirect_uri: 'http://localhost:8080/',
        response_type: 'code',
        scope: `${uri('bff')}/access_as_user openid offline_access`,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        client_info: '1',
      }).toString();
      const form = await httpsRequest(authorize.href, b2c.ca);
      const action = `${b2c.emulator.publicUrl}${authorize.pathname}`;
      const tx = inputValue(form.body, 'tx') ?? '';
      await httpsRequest(action, b2c.ca, {
        form: { tx, username: 'bob@fabrikam.example', password: 'Passw0rd!bob' },
      });
      const code = authorizeResult(await httpsRequest(action, b2c.ca, { form: { tx, otp: '123456' } })).get(
        'code',
      );
      const res = await httpsRequest(flowUrl(MFA, '/oauth2/v2.0/token'), b2c.ca, {
        form: {
          client_id: web.clientId,
          grant_type: 'authorization_code',
          code: code ?? '',
          redirect_uri: 'http://localhost:8080/',
          code_verifier: verifier,
          client_info: '1',
        },
      });
      const body = res.json();
      expect(body).toMatchObject({
        token_type: 'Bearer',
        id_token_expires_in: 3599,
        not_before: expect.any(Number),
      });
      expect(JSON.parse(Buffer.from(body['client_info'] as string, 'base64url').toString())).toEqual({
        uid: `b0b5e0e0-b2c0-4c2d-8e3f-000000000b0b-${MFA.toLowerCase()}`,
        utid: tid,
      });
    });
  });

  /** Starts a sign-in under the sign-in flow and posts credentials on the local form or an identity provider's page. */
  async function postCredentials(username: string, password: string, idp?: string): Promise<HttpResponse> {
    const authorize = new URL(flowUrl(SIGN_IN, '/oauth2/v2.0/authorize'));
    authorize.search = new URLSearchParams({
      client_id: b2c.app('web').clientId,
      redirect_uri: 'http://localhost:8080/',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    const page = await httpsRequest(authorize.href, b2c.ca);
    const tx = inputValue(page.body, 'tx') ?? '';
    return httpsRequest(`${b2c.emulator.publicUrl}${authorize.pathname}`, b2c.ca, {
      form: { tx, username, password, ...(idp === undefined ? {} : { idp }) },
    });
  }
});
