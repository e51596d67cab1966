import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseRegistrations } from '@chain/local-tenant';

import { type RunningEmulator, startEmulator } from '../src/emulator';
import { decodeJwt, httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import type { MsalAppConfig } from './support/msal-protocol';
import { authorizeResult, inputValue } from './support/sign-in';

const B2C_TENANT = '7c3d8e5f-7a0d-4e4b-9c9f-2d1e0a9b8c77';
const DOMAIN = 'fabrikamb2c.onmicrosoft.com';
const POLICY = 'B2C_1_signupsignin';
const SPA = '8d4e9f6a-8b1e-4f5c-8d0a-3e2f1b0c9d88';
const API = '9e5f0a7b-9c2f-4a6d-8e1b-4f3a2c1d0e99';
const DAEMON = 'a0f61b8c-0d3a-4b7e-9f2c-5a4b3d2e1f00';

/** A B2C tenant declared in the registrations file, next to the Entra tenant. */
const REGISTRATIONS = `
tenants:
  - { name: contoso-brokers, id: 5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f, domain: contoso-brokers.onmicrosoft.com }
  - { name: fabrikam-b2c, id: ${B2C_TENANT}, domain: ${DOMAIN}, kind: b2c, policies: [${POLICY}] }
applications:
  - { name: b2c-spa, displayName: Shop SPA, clientId: ${SPA}, tenant: fabrikam-b2c, type: spa, redirectUris: ['http://localhost:8081/'],
      requiredResourceAccess: [{ resource: b2c-api, delegated: [read] }] }
  - { name: b2c-api, displayName: Shop API, clientId: ${API}, tenant: fabrikam-b2c, type: confidential,
      identifierUris: ['https://${DOMAIN}/api'], scopes: [read], appRoles: [{ value: app.read, allowedMemberTypes: [Application] }],
      secrets: [{ value: b2c-api-secret-for-tests-only }] }
  - { name: b2c-daemon, displayName: Shop daemon, clientId: ${DAEMON}, tenant: fabrikam-b2c, type: confidential,
      secrets: [{ value: b2c-daemon-secret-for-tests-only }], requiredResourceAccess: [{ resource: b2c-api, application: [app.read] }] }
users:
  - { username: carol@${DOMAIN}, displayName: Carol Customer, oid: c0c0c0c0-7a1b-4c2d-8e3f-000000000c0c, tenant: fabrikam-b2c, password: Passw0rd!carol }
`;

describe('Azure AD B2C mode', () => {
  let dataDir: string;
  let emulator: RunningEmulator;
  let msal: MsalClient;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'identity-emulator-b2c-'));
    emulator = await startEmulator({
      dataDir,
      registrations: parseRegistrations(REGISTRATIONS, join(dataDir, 'r.yaml')),
    });
    msal = await MsalClient.start(emulator.caFile);
    base = `${emulator.publicUrl}/${DOMAIN}/${POLICY}`;
  });
  afterAll(async () => {
    await msal?.stop();
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const app = (clientId: string, clientSecret: string): MsalAppConfig => ({
    clientId,
    clientSecret,
    authority: base,
    knownAuthorities: [new URL(emulator.publicUrl).host],
  });

  it('serves policy-scoped discovery with the trailing-slash issuer', async () => {
    const doc = (await httpsRequest(`${base}/v2.0/.well-known/openid-configuration`, emulator.caPem)).json();
    expect(doc).toMatchObject({
      issuer: `${emulator.publicUrl}/${B2C_TENANT}/v2.0/`,
      token_endpoint: `${emulator.publicUrl}/${DOMAIN}/${POLICY.toLowerCase()}/oauth2/v2.0/token`,
    });
  });

  it('refuses tenant paths without a known policy', async () => {
    const noPolicy = await httpsRequest(
      `${emulator.publicUrl}/${DOMAIN}/v2.0/.well-known/openid-configuration`,
      emulator.caPem,
    );
    const otherPolicy = await httpsRequest(
      `${emulator.publicUrl}/${DOMAIN}/B2C_1_other/v2.0/.well-known/openid-configuration`,
      emulator.caPem,
    );
    expect([noPolicy.status, otherPolicy.status]).toEqual([404, 404]);
  });

  it('gives msal-node a client-credentials token with the application permissions in scp', async () => {
    const result = await msal.token(app(DAEMON, 'b2c-daemon-secret-for-tests-only'), {
      kind: 'cc',
      scopes: [`https://${DOMAIN}/api/.default`],
    });
    expect(decodeJwt(result.accessToken).payload).toMatchObject({
      aud: API,
      iss: `${emulator.publicUrl}/${B2C_TENANT}/v2.0/`,
      ver: '1.0',
      tfp: POLICY,
      scp: 'app.read',
      azp: DAEMON,
    });
    expect(decodeJwt(result.accessToken).payload['roles']).toBeUndefined();
  });

  it('refuses on-behalf-of with AADB2C90086 and no error_codes', async () => {
    const failure = await msal.failure(app(API, 'b2c-api-secret-for-tests-only'), {
      kind: 'obo',
      oboAssertion: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
      scopes: [`https://${DOMAIN}/api/read`],
    });
    expect(failure).toMatchObject({ className: 'ServerError', errorCode: 'invalid_request' });
    expect(failure.message).toContain('AADB2C90086');
    const raw = await httpsRequest(`${base}/oauth2/v2.0/token`, emulator.caPem, {
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: API },
    });
    expect(Object.keys(raw.json()).sort()).toEqual(['error', 'error_description']);
  });

  it('signs a customer in under the policy and issues B2C-shaped tokens', async () => {
    const { createHash } = await import('node:crypto');
    const verifier = 'v'.repeat(43);
    const authorize = new URL(`${base}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: SPA,
      redirect_uri: 'http://localhost:8081/',
      response_type: 'code',
      scope: `https://${DOMAIN}/api/read openid offline_access`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      client_info: '1',
    })) {
      authorize.searchParams.set(k, v);
    }
    const form = await httpsRequest(authorize.toString(), emulator.caPem);
    const signedIn = await httpsRequest(
      `${emulator.publicUrl}${new URL(authorize).pathname}`,
      emulator.caPem,
      {
        form: {
          tx: inputValue(form.body, 'tx') ?? '',
          username: `carol@${DOMAIN}`,
          password: 'Passw0rd!carol',
        },
      },
    );
    const code = authorizeResult(signedIn).get('code') ?? '';
    const res = await httpsRequest(`${base}/oauth2/v2.0/token`, emulator.caPem, {
      form: {
        client_id: SPA,
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://localhost:8081/',
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
    expect(decodeJwt(body['access_token'] as string).payload).toMatchObject({
      aud: API,
      tfp: POLICY,
      ver: '1.0',
      sub: 'c0c0c0c0-7a1b-4c2d-8e3f-000000000c0c',
      scp: 'read',
    });
    expect(JSON.parse(Buffer.from(body['client_info'] as string, 'base64url').toString())).toEqual({
      uid: `c0c0c0c0-7a1b-4c2d-8e3f-000000000c0c-${POLICY.toLowerCase()}`,
      utid: B2C_TENANT,
    });
  });
});
