import { decodeJwt } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { userTokenForBff } from './support/sign-in';
import { CLIENT, SECRET, startTestEmulator, type TestEmulator, USERS } from './support/test-emulator';

const C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

describe('the real msal-node ConfidentialClientApplication against the emulator', () => {
  let te: TestEmulator;
  let msal: MsalClient;
  let now = Date.now();

  beforeAll(async () => {
    te = await startTestEmulator({ now: () => now });
    msal = await MsalClient.start(te.emulator.caFile);
  });
  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
  });
  beforeEach(() => {
    now = Date.now();
  });

  const bff = (): ReturnType<TestEmulator['msalApp']> => te.msalApp(CLIENT.bff, { secret: SECRET.bff });

  it('gets a client-credentials token with roles and serves the second call from its cache', async () => {
    const first = await msal.token(bff(), { kind: 'cc', scopes: ['api://pricing-service/.default'] });
    const second = await msal.token(bff(), { kind: 'cc', scopes: ['api://pricing-service/.default'] });
    const { header, payload } = decodeJwt(first.accessToken);
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(header).toEqual({ typ: 'JWT', alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      aud: CLIENT.pricing,
      iss: te.emulator.issuerFor('5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f'),
      azp: CLIENT.bff,
      azpacr: '1',
      idtyp: 'app',
      roles: ['Pricing.Read.All'],
      ver: '2.0',
    });
    expect(payload['scp']).toBeUndefined();
    expect(payload['oid']).toBe(payload['sub']);
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(3599);
  });

  it('gets an on-behalf-of token that keeps the user and names the middle tier, then serves it from cache', async () => {
    const assertion = await userTokenForBff(te, USERS.alice);
    const call = {
      kind: 'obo' as const,
      oboAssertion: assertion,
      scopes: ['api://program-service/Program.ReadWrite'],
    };
    const first = await msal.token(bff(), call);
    const second = await msal.token(bff(), call);
    const incoming = decodeJwt(assertion).payload;
    const { payload } = decodeJwt(first.accessToken);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(payload).toMatchObject({
      aud: CLIENT.program,
      azp: CLIENT.bff,
      scp: 'Program.ReadWrite',
      oid: incoming['oid'],
    });
    // program-service configures no optional claims: no idtyp (Entra emits it only when asked for).
    expect(payload['idtyp']).toBeUndefined();
    expect(payload['name']).toBe('Alice Broker');
    expect(payload['sub']).not.toBe(incoming['sub']);
    // Her app role on program-service (the brokerage she belongs to), nothing of her roles elsewhere.
    expect(payload['roles']).toEqual(['Broker.Northwind']);
    expect(first.idToken).toBeTruthy();
  });

  it("puts the user's app roles on the resource into the OBO token", async () => {
    const assertion = await userTokenForBff(te, USERS.uma);
    const result = await msal.token(bff(), {
      kind: 'obo',
      oboAssertion: assertion,
      scopes: ['api://program-service/Program.ReadWrite'],
    });
    expect(decodeJwt(result.accessToken).payload['roles']).toEqual(['Underwriter']);
  });

  it('accepts the certificate credential (private_key_jwt) for client credentials and OBO', async () => {
    const app = te.msalApp(CLIENT.bff, { certificate: te.bffCertificate });
    const cc = await msal.token(app, { kind: 'cc', scopes: ['api://pricing-service/.default'] });
    expect(decodeJwt(cc.accessToken).payload['azpacr']).toBe('2');
    const assertion = await userTokenForBff(te, USERS.alice);
    const obo = await msal.token(app, {
      kind: 'obo',
      oboAssertion: assertion,
      scopes: ['api://documents-service/Documents.ReadWrite'],
    });
    expect(decodeJwt(obo.accessToken).payload).toMatchObject({
      aud: CLIENT.documents,
      azpacr: '2',
      scp: 'Documents.ReadWrite',
    });
  });

  it('refuses a wrong secret with AADSTS7000215 invalid_client', async () => {
    const failure = await msal.failure(te.msalApp(CLIENT.bff, { secret: 'not-the-secret-value-at-all' }), {
      kind: 'cc',
      scopes: ['api://pricing-service/.default'],
    });
    expect(failure).toMatchObject({
      className: 'ServerError',
      errorCode: 'invalid_client',
      errorNo: 7000215,
    });
  });

  it('refuses a certificate the app has not registered with AADSTS700027', async () => {
    const { makeClientCertificate } = await import('./support/test-emulator');
    const stranger = await makeClientCertificate();
    const failure = await msal.failure(te.msalApp(CLIENT.bff, { certificate: stranger }), {
      kind: 'cc',
      scopes: ['api://pricing-service/.default'],
    });
    expect(failure).toMatchObject({ errorCode: 'invalid_client', errorNo: 700027 });
  });

  describe('on-behalf-of failures', () => {
    it('rejects an assertion addressed to another app with AADSTS500131', async () => {
      const forDocuments = await msal.token(bff(), {
        kind: 'obo',
        oboAssertion: await userTokenForBff(te, USERS.alice),
        scopes: ['api://documents-service/Documents.ReadWrite'],
      });
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: forDocuments.accessToken,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      expect(failure).toMatchObject({
        className: 'ServerError',
        errorCode: 'invalid_grant',
        errorNo: 500131,
      });
    });

    it('rejects an app-only assertion (AADSTS50013, the exact Entra code is unverified)', async () => {
      const docs = te.msalApp(CLIENT.documents, { secret: SECRET.documents });
      const appOnly = await msal.token(docs, { kind: 'cc', scopes: ['api://bff/.default'] });
      const claims = decodeJwt(appOnly.accessToken).payload;
      expect([claims['aud'], claims['scp'], claims['oid']]).toEqual([CLIENT.bff, undefined, claims['sub']]);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: appOnly.accessToken,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      expect(failure).toMatchObject({ className: 'ServerError', errorCode: 'invalid_grant', errorNo: 50013 });
    });

    it('rejects a tampered assertion with AADSTS50013', async () => {
      const [h, p, s] = (await userTokenForBff(te, USERS.alice)).split('.');
      const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString('utf8'));
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, oid: 'b0b5e0e0-7a1b-4c2d-8e3f-000000000b0b' })).toString('base64url')}.${s}`;
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: forged,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      expect(failure).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50013 });
    });

    it('rejects an expired assertion with AADSTS500133', async () => {
      const assertion = await userTokenForBff(te, USERS.alice);
      now += 2 * 3600 * 1000;
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      expect(failure).toMatchObject({ errorCode: 'invalid_grant', errorNo: 500133 });
    });

    it('rejects a scope the resource does not expose with AADSTS70011', async () => {
      const assertion = await userTokenForBff(te, USERS.alice);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.Delete'],
      });
      expect(failure).toMatchObject({ className: 'ServerError', errorCode: 'invalid_scope', errorNo: 70011 });
    });

    it('rejects a resource missing from the tenant with AADSTS500011', async () => {
      const assertion = await userTokenForBff(te, USERS.alice);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://billing-service/Billing.Read'],
      });
      expect(failure).toMatchObject({
        className: 'ServerError',
        errorCode: 'invalid_resource',
        errorNo: 500011,
      });
    });

    it('surfaces a permission without consent as InteractionRequiredAuthError consent_required (AADSTS65001)', async () => {
      const assertion = await userTokenForBff(te, USERS.alice);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.Read'],
      });
      expect(failure).toMatchObject({
        className: 'InteractionRequiredAuthError',
        errorCode: 'invalid_grant',
        subError: 'consent_required',
        errorNo: 65001,
      });
    });

    it('answers a c1 claims request without MFA with interaction_required and the claims (AADSTS50076)', async () => {
      const assertion = await userTokenForBff(te, USERS.uma);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.ReadWrite'],
        claims: C1,
      });
      expect(failure).toMatchObject({
        className: 'InteractionRequiredAuthError',
        errorCode: 'interaction_required',
        errorNo: 50076,
        claims: C1,
      });
    });

    it('answers a resource that requires MFA with interaction_required and a c1 challenge', async () => {
      const assertion = await userTokenForBff(te, USERS.alice);
      const failure = await msal.failure(bff(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://audit-service/Audit.Read'],
      });
      expect(failure).toMatchObject({
        className: 'InteractionRequiredAuthError',
        errorCode: 'interaction_required',
        claims: C1,
      });
    });
  });

  it('issues the stepped-up OBO token after the second factor, copying amr and acrs from the assertion', async () => {
    const assertion = await userTokenForBff(te, { ...USERS.uma, claims: C1 });
    expect(decodeJwt(assertion).payload).toMatchObject({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
    const result = await msal.token(bff(), {
      kind: 'obo',
      oboAssertion: assertion,
      scopes: ['api://program-service/Program.ReadWrite'],
      claims: C1,
    });
    expect(decodeJwt(result.accessToken).payload).toMatchObject({
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
      roles: ['Underwriter'],
    });
  });
});
