import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { registrationsFileOf } from '@chain/local-tenant';
import { type Chain, type IdentityTarget, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { hopTo, traceOf } from './support/chain-trace';
import { stopAndScanLogs } from './support/log-leaks';
import {
  emulatorOnFixedPort,
  registration,
  writeRegistrationsVariant,
} from './support/registrations-variant';

const CONTOSO = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const WOODGROVE = '7c3e1d2a-5b4f-4e6a-8d9c-1a2b3c4d5e6f';

/**
 * A user of a second tenant (wendy, woodgrove-brokers) signs in to the multi-tenant SPA through
 * `/organizations`. The BFF takes tokens of any tenant on its allow-list (issuer template `{tenantid}`,
 * AUTH_ALLOWED_TENANTS: contoso and woodgrove) and does on-behalf-of at `/organizations`, so that the token
 * for program-service is issued in the user's own tenant; program-service (multi-tenant in the emulator's
 * file) allows contoso only.
 */
describe('a user of another tenant through the multi-tenant SPA: accepted where the tenant allow-list names her tenant, refused where not', () => {
  let chain: Chain;
  let tenantFile: string;
  let organizations: IdentityTarget;

  beforeAll(async () => {
    const emulator = await emulatorOnFixedPort();
    const template = `${emulator.publicUrl}/{tenantid}/v2.0`;
    tenantFile = writeRegistrationsVariant(registrationsFileOf('entra'), (reg) => {
      registration(reg, 'program-service').signInAudience = 'AzureADMultipleOrgs';
    });
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-multi-tenant',
      apps: ['program-service', 'bff'],
      emulatorRegistrationsPath: tenantFile,
      env: {
        'identity-emulator': emulator.env,
        bff: {
          AUTH_ISSUERS: template,
          AUTH_ALLOWED_TENANTS: `${CONTOSO},${WOODGROVE}`,
          AUTH_AUTHORITY: `${emulator.publicUrl}/organizations`,
        },
        'program-service': { AUTH_ISSUERS: template, AUTH_ALLOWED_TENANTS: CONTOSO },
      },
    });
    expect(chain.emulatorUrl).toBe(emulator.publicUrl);
    organizations = { ...chain, tenantId: 'organizations', registrations: chain.registrations };
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(dirname(tenantFile), { recursive: true, force: true });
  });

  it('signs wendy in to the SPA at /organizations with a token of her own tenant', async () => {
    const wendy = await signIn(organizations, 'wendy');
    expect(wendy.claims).toMatchObject({
      tid: WOODGROVE,
      iss: `${chain.emulatorUrl}/${WOODGROVE}/v2.0`,
      aud: chain.clientId('bff'),
      azp: chain.clientId('web'),
    });
  });

  it('has the BFF, whose allow-list names woodgrove, accept her', async () => {
    const wendy = new ApiClient(chain.url('bff'), await signIn(organizations, 'wendy'));
    const me = await wendy.get<{ tid: string; oid: string }>('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tid: WOODGROVE, oid: '3e2d1c0b-7a1b-4c2d-8e3f-000000000e0e' });
  });

  it('has program-service, whose allow-list names contoso only, refuse her token from woodgrove with 401 token_tenant_not_allowed', async () => {
    const wendy = new ApiClient(chain.url('bff'), await signIn(organizations, 'wendy'));
    const res = await wendy.get('/api/programmes');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({
      code: 'downstream_unauthorized',
      downstream: 'PROGRAM',
      downstreamStatus: 401,
      downstreamCode: 'token_tenant_not_allowed',
    });
    const program = hopTo((await traceOf(wendy, res.headers.get('x-correlation-id'))).hops, 'program');
    expect(program).toMatchObject({ flow: 'on-behalf-of', status: 401 });
    expect(program.token.claims['aud']).toBe(chain.clientId('program-service'));
  });

  it('lets alice of contoso through the same chain: both allow-lists name her tenant', async () => {
    const alice = new ApiClient(chain.url('bff'), await signIn(organizations, 'alice'));
    const res = await alice.get<unknown[]>('/api/programmes');
    expect(res.status).toBe(200);
    const program = hopTo((await traceOf(alice, res.headers.get('x-correlation-id'))).hops, 'program');
    expect(program).toMatchObject({ flow: 'on-behalf-of', status: 200 });
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.leaks).toEqual([]);
  });
});
