import { httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { CLIENT, SECRET, startTestEmulator, type TestEmulator } from './support/test-emulator';

/**
 * How msal-node trusts a non-Microsoft authority (docs/emulator.md "Instance discovery"): its host in
 * `knownAuthorities`, or the emulator's own instance-discovery answer as `cloudDiscoveryMetadata`. With
 * neither, MSAL asks Microsoft's host about this one and refuses it.
 */
describe("msal-node's instance discovery against the emulator", () => {
  let te: TestEmulator;
  let msal: MsalClient;

  beforeAll(async () => {
    te = await startTestEmulator();
    msal = await MsalClient.start(te.emulator.caFile);
  });
  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
  });

  const call = { kind: 'cc' as const, scopes: ['api://pricing-service/.default'] };

  it('accepts the instance-discovery document the emulator serves as cloudDiscoveryMetadata', async () => {
    const endpoint = encodeURIComponent(`${te.authority}/oauth2/v2.0/authorize`);
    const metadata = await httpsRequest(
      `${te.emulator.publicUrl}/common/discovery/instance?api-version=1.1&authorization_endpoint=${endpoint}`,
      te.ca,
    );
    const app = {
      ...te.msalApp(CLIENT.bff, { secret: SECRET.bff }),
      knownAuthorities: [],
      cloudDiscoveryMetadata: metadata.body,
    };
    expect((await msal.token(app, call)).accessToken).toBeTruthy();
  });

  it('refuses the authority without knownAuthorities or cloudDiscoveryMetadata', async () => {
    const app = { ...te.msalApp(CLIENT.bff, { secret: SECRET.bff }), knownAuthorities: [] };
    const failure = await msal.failure(app, call);
    // msal-common wraps the untrusted authority (no network answer from Microsoft's host) into this error.
    expect(failure).toMatchObject({ className: 'ClientAuthError', errorCode: 'endpoints_resolution_error' });
  }, 30_000);
});
