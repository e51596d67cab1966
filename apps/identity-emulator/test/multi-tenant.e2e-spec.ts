import { loadRegistrations, type Registrations } from '@chain/local-tenant';
import { type IdentityTarget, signIn } from '@chain/testing';

import { decodeJwt, httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { authorizeResult, authorizeUrl } from './support/sign-in';
import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';

const WOODGROVE = '7c3e1d2a-5b4f-4e6a-8d9c-1a2b3c4d5e6f';
const WENDY = { username: 'wendy@woodgrove-brokers.onmicrosoft.com', password: 'Passw0rd!wendy' };
const CLI = '8d4e2f6a-9b1c-4d3e-a5f7-2c8b6e0d1f99';

/** The project's file (web and bff multi-tenant, a second tenant woodgrove-brokers) with program-service multi-tenant too. */
function registrations(): Registrations {
  const reg = loadRegistrations();
  const program = reg.applications.find((a) => a.name === 'program-service');
  if (program === undefined) throw new Error('program-service missing');
  program.signInAudience = 'AzureADMultipleOrgs';
  return reg;
}

describe('multi-tenant authorities and apps (/organizations, /common, /consumers, a second tenant)', () => {
  let te: TestEmulator;
  let msal: MsalClient;
  const target = (tenantId: string): IdentityTarget => ({
    emulatorUrl: te.emulator.publicUrl,
    tenantId,
    caPem: te.ca,
    registrations: te.registrations,
  });
  const at = (authority: string, path: string): string => `${te.emulator.publicUrl}/${authority}${path}`;

  beforeAll(async () => {
    te = await startTestEmulator({ registrations: registrations() });
    msal = await MsalClient.start(te.emulator.caFile);
  });
  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
  });

  it.each(['organizations', 'common'])(
    'serves /%s discovery with the {tenantid} issuer template and its own endpoints, and keys naming the template',
    async (authority) => {
      const res = await httpsRequest(at(authority, '/v2.0/.well-known/openid-configuration'), te.ca);
      const issuer = `${te.emulator.publicUrl}/{tenantid}/v2.0`;
      expect(res.json()).toMatchObject({
        issuer,
        authorization_endpoint: at(authority, '/oauth2/v2.0/authorize'),
        token_endpoint: at(authority, '/oauth2/v2.0/token'),
        jwks_uri: at(authority, '/discovery/v2.0/keys'),
        tenant_region_scope: null,
      });
      const keys = (await httpsRequest(at(authority, '/discovery/v2.0/keys'), te.ca)).json<{
        keys: { issuer: string }[];
      }>();
      expect(new Set(keys.keys.map((k) => k.issuer))).toEqual(new Set([issuer]));
    },
  );

  it("signs a user of the second tenant in to the multi-tenant SPA at /organizations: her tenant's tid and issuer", async () => {
    const wendy = await signIn(target('organizations'), 'wendy');
    expect(wendy.claims).toMatchObject({
      tid: WOODGROVE,
      iss: te.emulator.issuerFor(WOODGROVE),
      aud: CLIENT.bff,
      azp: CLIENT.web,
      oid: '3e2d1c0b-7a1b-4c2d-8e3f-000000000e0e',
      preferred_username: WENDY.username,
    });
    const alice = await signIn(target('organizations'), 'alice');
    expect(alice.claims['tid']).toBe(TENANT_ID);
  });

  it('signs her in through her own tenant too, but refuses her at the home tenant of the app with AADSTS50020', async () => {
    expect((await signIn(target(WOODGROVE), 'wendy')).claims['tid']).toBe(WOODGROVE);
    await expect(signIn(target(TENANT_ID), 'wendy')).rejects.toThrow(
      /AADSTS50020: User account 'wendy@woodgrove-brokers\.onmicrosoft\.com' from identity provider 'https:\/\/sts\.windows\.net\/7c3e1d2a-5b4f-4e6a-8d9c-1a2b3c4d5e6f\/' does not exist in tenant 'contoso-brokers'/,
    );
  });

  it('answers a single-tenant app at /organizations with AADSTS50194 at its redirect URI', async () => {
    const url = authorizeUrl(
      te,
      {
        ...WENDY,
        clientId: CLI,
        redirectUri: 'http://localhost/',
        scope: 'api://bff/access_as_user openid',
      },
      { challenge: 'x', state: 'st', nonce: 'n' },
    ).replace(`/${TENANT_ID}/`, '/organizations/');
    const result = authorizeResult(await httpsRequest(url, te.ca));
    expect(result.get('error')).toBe('invalid_request');
    expect(result.get('error_description')).toMatch(
      /^AADSTS50194: Application '8d4e2f6a-9b1c-4d3e-a5f7-2c8b6e0d1f99'\(Broker CLI \(mobile and desktop\)\) is not configured as a multi-tenant application\./,
    );
    expect(result.get('state')).toBe('st');
  });

  it('refuses every app at /consumers: personal accounts are not modelled', async () => {
    const url = authorizeUrl(te, WENDY, { challenge: 'x', state: 's', nonce: 'n' }).replace(
      `/${TENANT_ID}/`,
      '/consumers/',
    );
    const res = await httpsRequest(url, te.ca);
    expect([res.status, res.headers.location]).toEqual([400, undefined]);
    expect(res.body).toContain(
      'unauthorized_client: The client does not exist or is not enabled for consumers.',
    );
  });

  it('refuses client credentials at /organizations and /common with AADSTS50059', async () => {
    for (const authority of ['organizations', 'common']) {
      const res = await httpsRequest(at(authority, '/oauth2/v2.0/token'), te.ca, {
        form: {
          grant_type: 'client_credentials',
          client_id: CLIENT.bff,
          client_secret: SECRET.bff,
          scope: 'api://pricing-service/.default',
        },
      });
      expect([res.status, res.json()['error_codes']]).toEqual([400, [50059]]);
    }
  });

  it("gives msal-node at /organizations an on-behalf-of token in the user's tenant", async () => {
    const wendy = await signIn(target('organizations'), 'wendy');
    const bff = {
      ...te.msalApp(CLIENT.bff, { secret: SECRET.bff }),
      authority: at('organizations', ''),
    };
    const result = await msal.token(bff, {
      kind: 'obo',
      oboAssertion: wendy.accessToken,
      scopes: ['api://program-service/Program.ReadWrite'],
    });
    expect(decodeJwt(result.accessToken).payload).toMatchObject({
      tid: WOODGROVE,
      iss: te.emulator.issuerFor(WOODGROVE),
      aud: CLIENT.program,
      azp: CLIENT.bff,
      scp: 'Program.ReadWrite',
    });
  });

  it("refuses on-behalf-of at the app's home tenant for a user of another tenant (AADSTS50013)", async () => {
    const wendy = await signIn(target('organizations'), 'wendy');
    const failure = await msal.failure(te.msalApp(CLIENT.bff, { secret: SECRET.bff }), {
      kind: 'obo',
      oboAssertion: wendy.accessToken,
      scopes: ['api://program-service/Program.ReadWrite'],
    });
    expect(failure).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50013 });
  });

  it('finds no single-tenant API in another tenant (AADSTS500011)', async () => {
    const res = await httpsRequest(`${te.emulator.publicUrl}/${WOODGROVE}/oauth2/v2.0/token`, te.ca, {
      form: {
        grant_type: 'client_credentials',
        client_id: CLIENT.bff,
        client_secret: SECRET.bff,
        scope: 'api://pricing-service/.default',
      },
    });
    expect([res.status, res.json()['error'], res.json()['error_codes']]).toEqual([
      400,
      'invalid_resource',
      [500011],
    ]);
  });
});
