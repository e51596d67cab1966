import { createPublicKey, type JsonWebKey } from 'node:crypto';

import { loadRegistrations, type Registrations } from '@chain/local-tenant';
import { type IdentityTarget, signIn } from '@chain/testing';
import { verify } from 'jsonwebtoken';

import { decodeJwt, httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';

const V1_ISSUER = `https://sts.windows.net/${TENANT_ID}/`;

/**
 * The project's file with APIs on v1 tokens, as a default Azure registration (`accessTokenAcceptedVersion`
 * null): the BFF; program-service with optional claims; pricing-service with `aud` `use_guid`. alice has a
 * country.
 */
function registrations(): Registrations {
  const reg = loadRegistrations();
  const app = (name: string) => reg.applications.find((a) => a.name === name)!;
  app('bff').accessTokenAcceptedVersion = null;
  app('program-service').accessTokenAcceptedVersion = null;
  app('program-service').optionalClaims.accessToken.push(
    { name: 'idtyp', additionalProperties: ['include_user_token'] },
    { name: 'xms_cc', additionalProperties: [] },
    { name: 'acct', additionalProperties: [] },
    { name: 'ctry', additionalProperties: [] },
  );
  app('pricing-service').accessTokenAcceptedVersion = 1;
  app('pricing-service').optionalClaims.accessToken.push({ name: 'aud', additionalProperties: ['use_guid'] });
  reg.users.find((u) => u.username.startsWith('alice@'))!.country = 'GB';
  return reg;
}

describe('v1 access tokens and optional claims (APIs with accessTokenAcceptedVersion null or 1)', () => {
  let te: TestEmulator;
  let msal: MsalClient;
  let target: IdentityTarget;

  beforeAll(async () => {
    te = await startTestEmulator({ registrations: registrations() });
    msal = await MsalClient.start(te.emulator.caFile);
    target = {
      emulatorUrl: te.emulator.publicUrl,
      tenantId: TENANT_ID,
      caPem: te.ca,
      registrations: te.registrations,
    };
  });
  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
  });

  const bff = (capabilities?: string[]) => ({
    ...te.msalApp(CLIENT.bff, { secret: SECRET.bff }),
    ...(capabilities === undefined ? {} : { clientCapabilities: capabilities }),
  });

  it('gives the SPA a v1 token for the BFF: sts.windows.net issuer, the App ID URI it asked for as aud, appid, upn', async () => {
    const alice = await signIn(target, 'alice');
    expect(alice.claims).toMatchObject({
      ver: '1.0',
      iss: V1_ISSUER,
      aud: 'api://bff',
      appid: CLIENT.web,
      appidacr: '0',
      upn: 'alice@contoso-brokers.onmicrosoft.com',
      unique_name: 'alice@contoso-brokers.onmicrosoft.com',
      scp: 'access_as_user',
      tid: TENANT_ID,
    });
    for (const v2Only of ['azp', 'azpacr', 'preferred_username', 'idtyp'])
      expect(alice.claims).not.toHaveProperty(v2Only);
    expect(decodeJwt(alice.accessToken).header).toMatchObject({
      x5t: decodeJwt(alice.accessToken).header['kid'],
    });
  });

  it("redeems the v1 token as msal-node's on-behalf-of assertion for a v1 API, with the optional claims it configured", async () => {
    const alice = await signIn(target, 'alice');
    const call = {
      kind: 'obo' as const,
      oboAssertion: alice.accessToken,
      scopes: ['api://program-service/Program.ReadWrite'],
    };
    const withCapabilities = decodeJwt((await msal.token(bff(['CP1']), call)).accessToken).payload;
    const without = decodeJwt((await msal.token(bff(), call)).accessToken).payload;
    expect(withCapabilities).toMatchObject({
      ver: '1.0',
      iss: V1_ISSUER,
      aud: 'api://program-service',
      appid: CLIENT.bff,
      appidacr: '1',
      scp: 'Program.ReadWrite',
      idtyp: 'user',
      acct: 0,
      ctry: 'GB',
      xms_cc: ['cp1'],
    });
    expect(without).not.toHaveProperty('xms_cc');
    expect(without).toMatchObject({ idtyp: 'user', acct: 0 });
  });

  it('gives msal-node a v1 client-credentials token whose aud is the client id when the API asks for use_guid', async () => {
    const token = await msal.token(bff(), { kind: 'cc', scopes: ['api://pricing-service/.default'] });
    expect(decodeJwt(token.accessToken).payload).toMatchObject({
      ver: '1.0',
      iss: V1_ISSUER,
      aud: CLIENT.pricing,
      appid: CLIENT.bff,
      idp: V1_ISSUER,
      idtyp: 'app',
      roles: ['Pricing.Read.All'],
    });
  });

  it('publishes the v1 key set without an issuer, and its keys verify v1 tokens', async () => {
    const { keys } = (await httpsRequest(te.url('/discovery/keys'), te.ca)).json<{ keys: JsonWebKey[] }>();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toHaveProperty('issuer');
    const token = (await msal.token(bff(), { kind: 'cc', scopes: ['api://pricing-service/.default'] }))
      .accessToken;
    const jwk = keys.find((k) => k['kid'] === decodeJwt(token).header['kid']) as JsonWebKey;
    const claims = verify(token, createPublicKey({ key: jwk, format: 'jwk' }), {
      algorithms: ['RS256'],
      issuer: V1_ISSUER,
      audience: CLIENT.pricing,
    });
    expect(claims).toMatchObject({ ver: '1.0' });
  });

  it('keeps v2 tokens for an API that declares accessTokenAcceptedVersion 2', async () => {
    const alice = await signIn(target, 'alice');
    const documents = te.msalApp(CLIENT.bff, { secret: SECRET.bff });
    const token = await msal.token(documents, {
      kind: 'obo',
      oboAssertion: alice.accessToken,
      scopes: ['api://documents-service/Documents.ReadWrite'],
    });
    expect(decodeJwt(token.accessToken).payload).toMatchObject({
      ver: '2.0',
      aud: CLIENT.documents,
      iss: te.emulator.issuerFor(TENANT_ID),
      azp: CLIENT.bff,
    });
  });
});
