import { Agent } from 'node:https';

import { verify } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';

import { decodeJwt, httpsRequest } from './support/https-client';
import { userTokenForBff } from './support/sign-in';
import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';
import { USERS } from './support/test-emulator';

describe('signing-key rotation', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(async () => {
    await te?.stop();
  });

  const rotate = async (body: Record<string, string>): Promise<Record<string, unknown>> => {
    const res = await httpsRequest(`${te.emulator.url}/_admin/keys/rotate`, te.ca, { json: body });
    if (res.status !== 200)
      throw new Error(`rotate ${JSON.stringify(body)} answered ${res.status}: ${res.body}`);
    return res.json();
  };
  const kids = async (): Promise<string[]> =>
    (await httpsRequest(te.url('/discovery/v2.0/keys'), te.ca))
      .json<{ keys: { kid: string }[] }>()
      .keys.map((k) => k.kid);
  const ccToken = async (): Promise<string> => {
    const res = await httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
      form: {
        grant_type: 'client_credentials',
        client_id: CLIENT.bff,
        client_secret: SECRET.bff,
        scope: 'api://pricing-service/.default',
      },
    });
    return res.json()['access_token'] as string;
  };

  it('publishes a new key before it signs, signs with it once activated, and drops a retired key', async () => {
    const [original] = await kids();
    const oldToken = await ccToken();
    const userToken = await userTokenForBff(te, USERS.alice);
    const { kid: added } = (await rotate({ action: 'add' })) as { kid: string };
    expect(await kids()).toEqual([original, added]);
    expect(decodeJwt(await ccToken()).header['kid']).toBe(original);

    await rotate({ action: 'activate', kid: added });
    expect(decodeJwt(await ccToken()).header['kid']).toBe(added);

    await rotate({ action: 'retire', kid: original as string });
    expect(await kids()).toEqual([added]);
    expect(decodeJwt(oldToken).header['kid']).toBe(original);

    // The emulator itself no longer accepts an OBO assertion signed with the retired key.
    const obo = await httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: CLIENT.bff,
        client_secret: SECRET.bff,
        assertion: userToken,
        scope: 'api://program-service/Program.ReadWrite',
      },
    });
    expect(obo.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50013] });
  });

  it('refuses to retire the signing key', async () => {
    const res = await httpsRequest(`${te.emulator.url}/_admin/keys/rotate`, te.ca, {
      json: { action: 'retire', kid: decodeJwt(await ccToken()).header['kid'] },
    });
    expect(res.status).toBe(409);
  });

  it('lets a JWKS-caching validator accept the new key after one refetch and refuse the retired one after its cache window', async () => {
    const jwks = new JwksClient({
      jwksUri: te.url('/discovery/v2.0/keys'),
      cache: true,
      cacheMaxAge: 3000,
      requestAgent: new Agent({ ca: te.ca }),
    });
    const validates = async (token: string): Promise<boolean> => {
      try {
        const key = await jwks.getSigningKey(decodeJwt(token).header['kid'] as string);
        verify(token, key.getPublicKey(), {
          algorithms: ['RS256'],
          issuer: te.emulator.issuerFor(TENANT_ID),
          audience: CLIENT.pricing,
        });
        return true;
      } catch {
        return false;
      }
    };
    const before = await ccToken();
    expect(await validates(before)).toBe(true);
    const cachedAt = Date.now();
    const { kid } = (await rotate({ action: 'add' })) as { kid: string };
    await rotate({ action: 'activate', kid });
    expect(await validates(await ccToken())).toBe(true);
    await rotate({ action: 'retire', kid: decodeJwt(before).header['kid'] as string });
    expect(await validates(before)).toBe(true);
    // Wait for the event (the retired key refused once jwks-rsa's 3 s cache lapses), not a fixed time.
    while ((await validates(before)) && Date.now() - cachedAt < 3_000 + 5_000)
      await new Promise((r) => setTimeout(r, 50));
    expect(await validates(before)).toBe(false);
    expect(Date.now() - cachedAt).toBeGreaterThanOrEqual(2_500);
  });

  it('keeps the signing keys across restarts of the same data directory', async () => {
    const { startEmulator } = await import('../src/emulator');
    const again = await startEmulator({ dataDir: te.dataDir });
    try {
      const res = await httpsRequest(`${again.url}/${TENANT_ID}/discovery/v2.0/keys`, again.caPem);
      expect(res.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toEqual(await kids());
    } finally {
      await again.close();
    }
  });
});
