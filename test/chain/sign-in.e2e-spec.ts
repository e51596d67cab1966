import { type Chain, signIn, startChain } from '@chain/testing';

import { stopAndScanLogs } from './support/log-leaks';

const C1 = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });

describe("signing in at the emulator as the SPA does (the harness's signIn)", () => {
  let chain: Chain;

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-sign-in', apps: [] });
    await chain.admin.resetTokenRequests();
  });

  afterAll(() => chain?.stop());

  it('gets alice a password-only token for the BFF through the login form and a code redeemed with PKCE', async () => {
    const alice = await signIn(chain, 'alice');
    expect(alice.claims).toMatchObject({
      aud: chain.clientId('bff'),
      azp: chain.clientId('web'),
      scp: 'access_as_user',
      iss: `${chain.emulatorUrl}/${chain.tenantId}/v2.0`,
      amr: ['pwd'],
    });
    expect(alice.claims['acrs']).toBeUndefined();
    const counts = await chain.admin.tokenRequests();
    expect(counts.byKey[`authorization_code|${chain.clientId('web')}|${chain.clientId('bff')}`]).toBe(1);
  });

  it('asks uma for the second factor when the claims request auth context c1', async () => {
    const uma = await signIn(chain, 'uma', { claims: C1 });
    expect(uma.claims).toMatchObject({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
  });

  it('reports a refused password with the AADSTS text of the login page', async () => {
    await expect(signIn(chain, 'bob', { password: 'wrong' })).rejects.toThrow(
      /password was refused \(AADSTS50126/,
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
