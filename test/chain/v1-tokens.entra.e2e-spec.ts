import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { registrationsFileOf } from '@chain/local-tenant';
import { type Chain, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { hopTo, traceOf } from './support/chain-trace';
import { stopAndScanLogs } from './support/log-leaks';
import { listProgrammes } from './support/programmes';
import {
  emulatorOnFixedPort,
  registration,
  writeRegistrationsVariant,
} from './support/registrations-variant';

const TENANT = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const C1 = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });

/**
 * program-service registered as a default Azure registration does (`accessTokenAcceptedVersion` null: v1
 * access tokens, issuer `https://sts.windows.net/<tid>/`, `aud` the App ID URI the BFF asked with), its guards
 * configured for both versions (AUTH_ISSUERS: the v2 and the v1 issuer). The BFF stays on v2 tokens.
 */
describe('a downstream on v1 access tokens, its guards accepting v1 and v2', () => {
  let chain: Chain;
  let tenantFile: string;

  beforeAll(async () => {
    const emulator = await emulatorOnFixedPort();
    tenantFile = writeRegistrationsVariant(registrationsFileOf('entra'), (reg) => {
      registration(reg, 'program-service').accessTokenAcceptedVersion = null;
    });
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-v1-tokens',
      apps: ['program-service', 'bff'],
      emulatorRegistrationsPath: tenantFile,
      env: {
        'identity-emulator': emulator.env,
        'program-service': {
          AUTH_ISSUERS: `${emulator.publicUrl}/${TENANT}/v2.0,https://sts.windows.net/${TENANT}/`,
        },
      },
    });
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(dirname(tenantFile), { recursive: true, force: true });
  });

  it('lists programmes through the BFF: a v2 token for the BFF, a v1 token for program-service', async () => {
    const session = await signIn(chain, 'alice');
    expect(session.claims).toMatchObject({ ver: '2.0', aud: chain.clientId('bff') });
    const alice = new ApiClient(chain.url('bff'), session);
    const res = await alice.get('/api/programmes');
    expect(res.status).toBe(200);
    expect((await listProgrammes(alice)).length).toBeGreaterThan(0);
    const program = hopTo((await traceOf(alice, res.headers.get('x-correlation-id'))).hops, 'program');
    expect(program).toMatchObject({ flow: 'on-behalf-of', status: 200 });
    expect(program.token.claims).toMatchObject({
      ver: '1.0',
      aud: 'api://program-service',
      oid: session.claims['oid'],
      scp: 'Program.ReadWrite',
    });
    // v1 names the calling app by appid, not azp.
    expect(program.token.claims['azp']).toBeUndefined();
  });

  it("carries uma's app role and her step-up (auth context c1) into the v1 token program-service accepts", async () => {
    const uma = new ApiClient(chain.url('bff'), await signIn(chain, 'uma', { claims: C1, otp: '123456' }));
    const res = await uma.get<unknown[]>('/api/programmes');
    expect(res.status).toBe(200);
    const program = hopTo((await traceOf(uma, res.headers.get('x-correlation-id'))).hops, 'program');
    expect(program.token.claims).toMatchObject({ ver: '1.0', roles: ['Underwriter'], acrs: ['c1'] });
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.leaks).toEqual([]);
  });
});
