import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { loadRegistrations, parseIdentityMode, registrationsFileOf } from '@chain/local-tenant';
import { type Chain, clientCredentialsToken, type IdentityTarget, signIn, startChain } from '@chain/testing';

import { ApiClient, bearerParams } from './support/bff-api';
import { DELEGATES } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';
import { appNamed, PARTNER, PRICING_PREVIEW, scopeOf, writeTestTenant } from './support/test-tenant';

const RATES = '/rates?lineOfBusiness=property&region=uk';
/** How an application permission shows in an app token: `roles`, or `scp` in B2C. */
const granted = (permission: string): Record<string, unknown> =>
  DELEGATES ? { scp: permission } : { roles: [permission] };

describe('pricing-service callers (app-only, role Pricing.Read.All, allow-listed)', () => {
  let chain: Chain;
  let tenantFile: string;
  /** The emulator as the test tenant file declares it (the partner client and its secret included). */
  let testTenant: IdentityTarget;
  let pricingDefault: string;

  beforeAll(async () => {
    const mode = parseIdentityMode(process.env['IDENTITY_MODE']);
    tenantFile = writeTestTenant(registrationsFileOf(mode));
    chain = await startChain({
      label: 'chain-pricing',
      apps: ['pricing-service'],
      emulatorRegistrationsPath: tenantFile,
    });
    const { emulatorUrl, tenantId, caPem } = chain;
    testTenant = { emulatorUrl, tenantId, caPem, registrations: loadRegistrations(tenantFile) };
    pricingDefault = scopeOf(appNamed(chain.registrations, 'pricing-service'), '.default');
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(dirname(tenantFile), { recursive: true, force: true });
  });

  it("answers the BFF's client-credentials token", async () => {
    const token = await clientCredentialsToken(chain, 'bff', pricingDefault);
    const res = await new ApiClient(chain.url('pricing-service'), token).get<{ rates: unknown[] }>(RATES);
    expect(res.status).toBe(200);
    expect(res.body.rates.length).toBeGreaterThan(0);
  });

  it('refuses a user token with 403 even when its audience and scope are right', async () => {
    const scope = scopeOf(appNamed(chain.registrations, 'pricing-service'), PRICING_PREVIEW);
    const user = await signIn(testTenant, 'alice', { scopes: [scope] });
    expect(user.claims).toMatchObject({ aud: chain.clientId('pricing-service'), scp: PRICING_PREVIEW });
    const res = await new ApiClient(chain.url('pricing-service'), user).get(RATES);
    expect(res.status).toBe(403);
    expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('insufficient_scope');
    expect(res.body).toMatchObject({ code: 'app_token_required' });
  });

  it('refuses with 403 an app token carrying Pricing.Read.All from a client not on its allow-list', async () => {
    const token = await clientCredentialsToken(testTenant, PARTNER.name, pricingDefault);
    expect(token.claims).toMatchObject({ azp: PARTNER.clientId, ...granted('Pricing.Read.All') });
    const res = await new ApiClient(chain.url('pricing-service'), token).get(RATES);
    expect(res.status).toBe(403);
    expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('insufficient_scope');
    expect(res.body).toMatchObject({ code: 'caller_not_allowed' });
  });

  it("refuses with 403 documents-service's app token: Pricing.Read.All granted, but not on pricing-service's list", async () => {
    const token = await clientCredentialsToken(testTenant, 'documents-service', pricingDefault);
    expect(token.claims).toMatchObject({
      aud: chain.clientId('pricing-service'),
      azp: chain.clientId('documents-service'),
      ...granted('Pricing.Read.All'),
    });
    const res = await new ApiClient(chain.url('pricing-service'), token).get(RATES);
    expect(res.status).toBe(403);
    expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('insufficient_scope');
    expect(res.body).toMatchObject({ code: 'caller_not_allowed' });
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain, [PARTNER.secret]);
    expect(scan.logs).toEqual(['identity-emulator.log', 'pricing-service.log']);
    expect(scan.leaks).toEqual([]);
  });
});
