import { type Chain, signIn, startChain } from '@chain/testing';

import { DELEGATES, MODE } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';

const C1 = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });

describe("signing in at the emulator as the SPA does (the harness's signIn)", () => {
  let chain: Chain;

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-sign-in', apps: [] });
    await chain.admin.resetTokenRequests();
  });

  afterAll(() => chain?.stop());

  it(`gets alice a password-only token for the BFF (${MODE} shape) through the login form and a code redeemed with PKCE`, async () => {
    const alice = await signIn(chain, 'alice');
    expect(alice.claims).toMatchObject({
      aud: chain.clientId('bff'),
      azp: chain.clientId('web'),
      scp: 'access_as_user',
      iss: chain.identity.issuer,
      ...(DELEGATES ? { ver: '1.0', tfp: chain.identity.signInPolicy } : { ver: '2.0', amr: ['pwd'] }),
    });
    expect(alice.claims['acrs']).toBeUndefined();
    const counts = await chain.admin.tokenRequests();
    expect(counts.byKey[`authorization_code|${chain.clientId('web')}|${chain.clientId('bff')}`]).toBe(1);
  });

  it('asks uma for the second factor when the claims request auth context c1 (B2C: in the MFA user flow)', async () => {
    if (DELEGATES) {
      const mfaFlow = chain.identity.mfaPolicies[0];
      const uma = await signIn(chain, 'uma', { policy: mfaFlow, otp: '123456' });
      expect(uma.claims).toMatchObject({ tfp: mfaFlow, extension_Roles: 'Underwriter' });
      await expect(signIn(chain, 'uma', { policy: mfaFlow, otp: '000000' })).rejects.toThrow();
    } else {
      const uma = await signIn(chain, 'uma', { claims: C1 });
      expect(uma.claims).toMatchObject({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
    }
  });

  it('reports a refused password with the text of the login page', async () => {
    await expect(signIn(chain, 'bob', { password: 'wrong' })).rejects.toThrow(
      DELEGATES ? /password was refused/ : /password was refused \(AADSTS50126/,
    );
  });

  it('keeps the tokens out of what Jest prints', async () => {
    const bob = await signIn(chain, 'bob');
    expect(JSON.stringify(bob)).not.toMatch(/eyJ/);
    expect(Object.keys(bob)).not.toContain('accessToken');
  });

  it('leaves no JWT and no client secret in the emulator log', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toEqual(['identity-emulator.log']);
    expect(scan.leaks).toEqual([]);
  });
});
