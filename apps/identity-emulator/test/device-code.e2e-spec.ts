import { IdentityMode } from '@chain/local-tenant';

import { decodeJwt, type HttpResponse, httpsRequest } from './support/https-client';
import { startModeEmulator } from './support/mode-emulator';
import { MsalClient } from './support/msal-client';
import { inputValue } from './support/sign-in';
import { CLIENT, startTestEmulator, TENANT_ID, type TestEmulator, USERS } from './support/test-emulator';

const CLI = '8d4e2f6a-9b1c-4d3e-a5f7-2c8b6e0d1f99';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const SCOPE = 'api://bff/access_as_user openid offline_access';

interface DeviceAuthorization {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly expires_in: number;
  readonly interval: number;
  readonly message: string;
}

describe('the device code flow (served, and advertised, for Entra tenants) and honest discovery', () => {
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

  const authorize = async (clientId = CLI, authority = TENANT_ID): Promise<DeviceAuthorization> => {
    const res = await httpsRequest(`${te.emulator.publicUrl}/${authority}/oauth2/v2.0/devicecode`, te.ca, {
      form: { client_id: clientId, scope: SCOPE },
    });
    expect(res.status).toBe(200);
    return res.json<DeviceAuthorization>();
  };
  const poll = (deviceCode: string, clientId = CLI): Promise<HttpResponse> =>
    httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
      form: { grant_type: DEVICE_CODE, client_id: clientId, device_code: deviceCode },
    });
  const errorOf = (res: HttpResponse): unknown[] => [
    res.status,
    res.json()['error'],
    res.json()['error_codes'],
  ];
  /** Enters the user code at /devicelogin and signs alice in: what the person at the other device does. */
  const approve = async (userCode: string): Promise<HttpResponse> => {
    const page = await httpsRequest(`${te.emulator.publicUrl}/devicelogin`, te.ca, {
      form: { otc: userCode },
    });
    const action = /<form method="post" action="([^"]*)"/.exec(page.body)?.[1] ?? '';
    return httpsRequest(`${te.emulator.publicUrl}${action}`, te.ca, {
      form: {
        tx: inputValue(page.body, 'tx') ?? '',
        username: USERS.alice.username,
        password: USERS.alice.password,
      },
    });
  };

  it('advertises only what it implements: code, the device authorization endpoint, no userinfo or implicit types', async () => {
    const doc = (await httpsRequest(te.url('/v2.0/.well-known/openid-configuration'), te.ca)).json();
    expect(doc).toMatchObject({
      response_types_supported: ['code'],
      device_authorization_endpoint: te.url('/oauth2/v2.0/devicecode'),
    });
    for (const absent of ['userinfo_endpoint', 'frontchannel_logout_supported', 'http_logout_supported'])
      expect(doc).not.toHaveProperty(absent);
  });

  it("hands out a device code with Entra's lifetime, interval and message", async () => {
    const device = await authorize();
    expect(device).toMatchObject({
      user_code: expect.stringMatching(/^[A-Z2-9]{9}$/),
      verification_uri: `${te.emulator.publicUrl}/devicelogin`,
      expires_in: 900,
      interval: 5,
    });
    expect(device.message).toBe(
      `To sign in, use a web browser to open the page ${te.emulator.publicUrl}/devicelogin and enter the code ${device.user_code} to authenticate.`,
    );
  });

  it('answers authorization_pending (AADSTS70016) until the user signed in, then the tokens, once', async () => {
    const device = await authorize();
    expect(errorOf(await poll(device.device_code))).toEqual([400, 'authorization_pending', [70016]]);
    const signedIn = await approve(device.user_code.toLowerCase());
    expect(signedIn.body).toContain(
      'You have signed in to the Broker CLI (mobile and desktop) application on your device.',
    );
    const tokens = await poll(device.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.json()).toMatchObject({ refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(decodeJwt(tokens.json()['access_token'] as string).payload).toMatchObject({
      aud: CLIENT.bff,
      azp: CLI,
    });
    expect(errorOf(await poll(device.device_code))).toEqual([400, 'bad_verification_code', [70000]]);
  });

  it('answers expired_token (AADSTS70020) after 15 minutes', async () => {
    const device = await authorize();
    now += 901_000;
    expect(errorOf(await poll(device.device_code))).toEqual([400, 'expired_token', [70020]]);
  });

  it('asks an app without public client flows for a credential (AADSTS7000218)', async () => {
    const device = await authorize(CLIENT.web);
    expect(errorOf(await poll(device.device_code, CLIENT.web))).toEqual([401, 'invalid_client', [7000218]]);
  });

  it('refuses the device code flow at /common (AADSTS9001023) and shows a wrong user code again', async () => {
    const res = await httpsRequest(`${te.emulator.publicUrl}/common/oauth2/v2.0/devicecode`, te.ca, {
      form: { client_id: CLI, scope: SCOPE },
    });
    expect(errorOf(res)).toEqual([400, 'invalid_request', [9001023]]);
    const wrong = await httpsRequest(`${te.emulator.publicUrl}/devicelogin`, te.ca, {
      form: { otc: 'NOPE' },
    });
    expect([wrong.status, wrong.body.includes('Check the code and try again.')]).toEqual([200, true]);
  });

  it("signs in a CLI through msal-node's acquireTokenByDeviceCode", async () => {
    const app = {
      clientId: CLI,
      authority: te.authority,
      knownAuthorities: [new URL(te.emulator.publicUrl).host],
      publicClient: true,
    };
    const result = await msal.token(app, {
      kind: 'device-code',
      scopes: ['api://bff/access_as_user'],
      user: USERS.alice,
    });
    expect(result.detail).toContain(`${te.emulator.publicUrl}/devicelogin`);
    expect(decodeJwt(result.accessToken).payload).toMatchObject({
      aud: CLIENT.bff,
      azp: CLI,
      scp: 'access_as_user',
    });
  }, 30_000);

  it('neither serves nor advertises it in a B2C or External ID tenant', async () => {
    for (const mode of [IdentityMode.ExternalId, IdentityMode.B2c]) {
      const other = await startModeEmulator(mode);
      try {
        const base = other.endpoints.authority.replace(/\/$/, '');
        const doc = (await httpsRequest(`${base}/v2.0/.well-known/openid-configuration`, other.ca)).json();
        expect(doc).not.toHaveProperty('device_authorization_endpoint');
        expect(doc['response_types_supported']).toEqual(['code']);
        const res = await httpsRequest(`${base}/oauth2/v2.0/devicecode`, other.ca, {
          form: { client_id: 'x' },
        });
        expect(res.status).toBe(404);
      } finally {
        await other.stop();
      }
    }
  });
});
