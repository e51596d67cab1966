import { externalIdIssuerHost, IdentityMode } from '@chain/local-tenant';

import { decodeJwt, httpsRequest } from './support/https-client';
import { type ModeEmulator, startModeEmulator } from './support/mode-emulator';
import { MsalClient } from './support/msal-client';

const C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

describe('Microsoft Entra External ID mode (registrations.external-id.yaml)', () => {
  let ext: ModeEmulator;
  let msal: MsalClient;
  let tid: string;
  let issuer: string;

  beforeAll(async () => {
    ext = await startModeEmulator(IdentityMode.ExternalId);
    msal = await MsalClient.start(ext.emulator.caFile);
    tid = ext.tenant.id;
    issuer = `https://${tid}.ciamlogin.com/${tid}/v2.0`;
  });
  afterAll(async () => {
    await msal?.stop();
    await ext?.stop();
  });

  const programScope = (): string => `${ext.app('program-service').identifierUris[0]}/Program.ReadWrite`;

  it('serves discovery by tenant id and by domain with the ciamlogin issuer and endpoints on the emulator host', async () => {
    const base = ext.emulator.publicUrl;
    const docs = await Promise.all(
      [tid, ext.tenant.domain].map(async (key) =>
        (await httpsRequest(`${base}/${key}/v2.0/.well-known/openid-configuration`, ext.ca)).json(),
      ),
    );
    for (const doc of docs) {
      expect(doc).toMatchObject({
        issuer,
        authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
        jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
      });
    }
    expect(ext.endpoints.issuer).toBe(issuer);
    expect(ext.endpoints.knownAuthorities).toContain(externalIdIssuerHost(ext.tenant));
  });

  it('publishes signing keys whose issuer is the ciamlogin issuer', async () => {
    const jwks = (await httpsRequest(ext.endpoints.jwksUri, ext.ca)).json<{ keys: { issuer: string }[] }>();
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(new Set(jwks.keys.map((k) => k.issuer))).toEqual(new Set([issuer]));
  });

  it('gives msal-node a client-credentials token with roles and without idtyp, then serves it from its cache', async () => {
    const call = {
      kind: 'cc' as const,
      scopes: [`${ext.app('pricing-service').identifierUris[0]}/.default`],
    };
    const first = await msal.token(ext.msalApp('bff'), call);
    const second = await msal.token(ext.msalApp('bff'), call);
    const { payload } = decodeJwt(first.accessToken);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(payload).toMatchObject({
      iss: issuer,
      tid,
      aud: ext.app('pricing-service').clientId,
      azp: ext.app('bff').clientId,
      azpacr: '1',
      roles: ['Pricing.Read.All'],
      ver: '2.0',
    });
    expect([payload['idtyp'], payload['scp']]).toEqual([undefined, undefined]);
  });

  it('gives msal-node an on-behalf-of token for a signed-in customer, as Entra does', async () => {
    const alice = await ext.signIn('alice');
    const call = { kind: 'obo' as const, oboAssertion: alice.accessToken, scopes: [programScope()] };
    const first = await msal.token(ext.msalApp('bff'), call);
    const second = await msal.token(ext.msalApp('bff'), call);
    const { payload } = decodeJwt(first.accessToken);
    expect(alice.claims).toMatchObject({ iss: issuer, aud: ext.app('bff').clientId, scp: 'access_as_user' });
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(payload).toMatchObject({
      iss: issuer,
      aud: ext.app('program-service').clientId,
      azp: ext.app('bff').clientId,
      scp: 'Program.ReadWrite',
      oid: alice.claims['oid'],
      name: 'Alice Broker',
      preferred_username: 'alice@northwind.example',
    });
    expect(payload['idtyp']).toBeUndefined();
    expect(first.idToken).toBeTruthy();
  });

  it('answers a claims challenge for auth context c1 as Entra does, and the stepped-up sign-in satisfies it', async () => {
    const uma = await ext.signIn('uma');
    const challenged = await msal.failure(ext.msalApp('bff'), {
      kind: 'obo',
      oboAssertion: uma.accessToken,
      scopes: [programScope()],
      claims: C1,
    });
    const stepped = await ext.signIn('uma', { claims: C1 });
    const granted = await msal.token(ext.msalApp('bff'), {
      kind: 'obo',
      oboAssertion: stepped.accessToken,
      scopes: [programScope()],
      claims: C1,
    });
    expect(challenged).toMatchObject({
      className: 'InteractionRequiredAuthError',
      errorCode: 'interaction_required',
      errorNo: 50076,
      claims: C1,
    });
    expect(stepped.claims).toMatchObject({ acrs: ['c1'], amr: ['pwd', 'mfa'] });
    expect(decodeJwt(granted.accessToken).payload).toMatchObject({ acrs: ['c1'], roles: ['Underwriter'] });
  });

  it('refuses an assertion addressed to another app with AADSTS500131 in Entra’s error shape', async () => {
    const alice = await ext.signIn('alice');
    const failure = await msal.failure(ext.msalApp('documents-service'), {
      kind: 'obo',
      oboAssertion: alice.accessToken,
      scopes: [programScope().replace('Program.ReadWrite', 'Program.Read')],
    });
    const raw = await httpsRequest(`${ext.endpoints.authority}/oauth2/v2.0/token`, ext.ca, {
      form: { grant_type: 'client_credentials', client_id: ext.app('bff').clientId, scope: 'x/.default' },
    });
    expect(failure).toMatchObject({ className: 'ServerError', errorCode: 'invalid_grant', errorNo: 500131 });
    expect(raw.json()).toMatchObject({ error_codes: [7000218], trace_id: expect.any(String) });
  });

  describe('msal-common issuer validation (discovery issuer host ≠ authority host)', () => {
    const domainAuthority = (): string => `${ext.emulator.publicUrl}/${ext.tenant.domain}`;
    const emulatorHost = (): string => new URL(ext.emulator.publicUrl).host;
    const cc = (): { kind: 'cc'; scopes: string[] } => ({
      kind: 'cc',
      scopes: [`${ext.app('pricing-service').identifierUris[0]}/.default`],
    });

    it('accepts the issuer of a tenant-id authority by its ciamlogin rule, without the ciamlogin host', async () => {
      const result = await msal.token(ext.msalApp('bff', { knownAuthorities: [emulatorHost()] }), cc());
      expect(decodeJwt(result.accessToken).payload['iss']).toBe(issuer);
    });

    it('refuses it for a domain authority unless <tenant id>.ciamlogin.com is a known authority', async () => {
      const refused = await msal.failure(
        ext.msalApp('bff', { authority: domainAuthority(), knownAuthorities: [emulatorHost()] }),
        cc(),
      );
      const accepted = await msal.token(
        ext.msalApp('bff', {
          authority: domainAuthority(),
          knownAuthorities: [emulatorHost(), externalIdIssuerHost(ext.tenant)],
        }),
        cc(),
      );
      // msal-common throws issuer_validation_failed while resolving the authority and reports it wrapped.
      expect(refused).toMatchObject({
        className: 'ClientAuthError',
        errorCode: 'endpoints_resolution_error',
      });
      expect(decodeJwt(accepted.accessToken).payload['iss']).toBe(issuer);
    });
  });
});
