/**
 * Browser entry for the inspector layout test: draws sample traces (the shapes /api/chain returns, with
 * the local tenant's client ids) with the SPA's own diagram code, without a chain behind it.
 */
import type { ChainTrace, HopRecord } from '../../../apps/web/src/shared/chain-trace';
import { chainDiagram, type SpaTokenInfo } from '../../../apps/web/src/spa/inspector/chain-diagram';

const WEB = '0b7c2f9e-1a4d-4e8b-9c3f-6d5e4a3b2c11';
const BFF = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
const PROGRAM = '2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33';
const PRICING = '3e0f5a2b-4d7a-4b1e-8f6c-9a8b7d6e5f44';
const DOCUMENTS = '4f1a6b3c-5e8b-4c2f-9a7d-0b9c8e7f6a55';
const PROGRAMME = '6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d';
const ALICE = 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11';

const programHop = (from: string, azp: string, scp: string, path: string): HopRecord => ({
  from,
  to: 'program-service',
  flow: 'on-behalf-of',
  method: 'GET',
  path,
  status: 200,
  durationMs: 11.4,
  token: {
    source: 'token-service',
    acquireMs: 38,
    claims: { aud: PROGRAM, scp, azp, oid: ALICE, idtyp: 'user', amr: ['pwd'], ver: '2.0' },
  },
});

export const FIXTURE_TRACES: ChainTrace[] = [
  {
    correlationId: 'web-quote',
    method: 'GET',
    path: `/api/programmes/${PROGRAMME}/quote`,
    status: 200,
    startedAt: '2026-11-28T18:00:00.000Z',
    durationMs: 61,
    hops: [
      programHop('bff', BFF, 'Program.ReadWrite', `/programmes/${PROGRAMME}`),
      {
        from: 'bff',
        to: 'pricing-service',
        flow: 'client-credentials',
        method: 'POST',
        path: '/quotes',
        status: 200,
        durationMs: 7.2,
        token: {
          source: 'cache',
          acquireMs: 0.3,
          claims: { aud: PRICING, roles: ['Pricing.Read.All'], azp: BFF, idtyp: 'app', ver: '2.0' },
        },
      },
    ],
  },
  {
    correlationId: 'web-upload',
    method: 'POST',
    path: `/api/programmes/${PROGRAMME}/documents`,
    status: 201,
    startedAt: '2026-11-28T18:00:01.000Z',
    durationMs: 95,
    hops: [
      {
        from: 'bff',
        to: 'documents-service',
        flow: 'on-behalf-of',
        method: 'POST',
        path: `/programmes/${PROGRAMME}/documents`,
        status: 201,
        durationMs: 70,
        token: {
          source: 'token-service',
          acquireMs: 41,
          claims: {
            aud: DOCUMENTS,
            scp: 'Documents.ReadWrite',
            azp: BFF,
            oid: ALICE,
            idtyp: 'user',
            amr: ['pwd'],
          },
        },
        children: [programHop('documents-service', DOCUMENTS, 'Program.Read', `/programmes/${PROGRAMME}`)],
      },
    ],
  },
  {
    correlationId: 'web-approve',
    method: 'POST',
    path: `/api/programmes/${PROGRAMME}/approve`,
    status: 200,
    startedAt: '2026-11-28T18:00:02.000Z',
    durationMs: 40,
    hops: [
      {
        ...programHop('bff', BFF, 'Program.ReadWrite', `/programmes/${PROGRAMME}/approve`),
        method: 'POST',
        token: {
          source: 'token-service',
          acquireMs: 35,
          claims: {
            aud: PROGRAM,
            scp: 'Program.ReadWrite',
            azp: BFF,
            idtyp: 'user',
            amr: ['pwd', 'mfa'],
            acrs: ['c1'],
          },
        },
      },
    ],
  },
];

/** A verified delegation (B2C): the BFF's own token for `aud`, and the proof of the user beside it. */
const delegatedHop = (
  from: string,
  to: string,
  aud: string,
  azp: string,
  scp: string,
  path: string,
  children?: HopRecord[],
): HopRecord => ({
  from,
  to,
  flow: 'verified-delegation',
  method: 'GET',
  path,
  status: 200,
  durationMs: 9.8,
  token: {
    source: 'cache',
    acquireMs: 0.2,
    claims: { aud, scp: 'Delegation.Act', azp, ver: '1.0', tfp: 'B2C_1_signupsignin' },
    delegation: { scp, oid: ALICE, amr: ['pwd'], tfp: 'B2C_1_signupsignin', idp: 'google.com' },
  },
  ...(children === undefined ? {} : { children }),
});

FIXTURE_TRACES.push(
  {
    correlationId: 'web-b2c-quote',
    method: 'GET',
    path: `/api/programmes/${PROGRAMME}/quote`,
    status: 200,
    startedAt: '2026-11-28T18:00:03.000Z',
    durationMs: 48,
    hops: [
      delegatedHop('bff', 'program-service', PROGRAM, BFF, 'Program.ReadWrite', `/programmes/${PROGRAMME}`),
      {
        from: 'bff',
        to: 'pricing-service',
        flow: 'client-credentials',
        method: 'POST',
        path: '/quotes',
        status: 200,
        durationMs: 6.1,
        token: {
          source: 'cache',
          acquireMs: 0.2,
          claims: { aud: PRICING, scp: 'Pricing.Read.All', azp: BFF, ver: '1.0', tfp: 'B2C_1_signupsignin' },
        },
      },
    ],
  },
  {
    correlationId: 'web-b2c-upload',
    method: 'POST',
    path: `/api/programmes/${PROGRAMME}/documents`,
    status: 201,
    startedAt: '2026-11-28T18:00:04.000Z',
    durationMs: 80,
    hops: [
      delegatedHop(
        'bff',
        'documents-service',
        DOCUMENTS,
        BFF,
        'Documents.ReadWrite',
        `/programmes/${PROGRAMME}/documents`,
        [
          delegatedHop(
            'documents-service',
            'program-service',
            PROGRAM,
            DOCUMENTS,
            'Program.Read',
            `/programmes/${PROGRAMME}`,
          ),
        ],
      ),
    ],
  },
);

const ctx = {
  applications: {
    [WEB]: 'web',
    [BFF]: 'bff',
    [PROGRAM]: 'program-service',
    [PRICING]: 'pricing-service',
    [DOCUMENTS]: 'documents-service',
  },
  spaScopes: ['api://bff/access_as_user'],
};

const b2cSpaToken: SpaTokenInfo = {
  fromCache: true,
  claims: {
    aud: BFF,
    scp: 'access_as_user',
    azp: WEB,
    ver: '1.0',
    tfp: 'B2C_1_signupsignin',
    idp: 'google.com',
  },
};

const spaToken = (mfa: boolean): SpaTokenInfo => ({
  fromCache: !mfa,
  claims: {
    aud: BFF,
    scp: 'access_as_user',
    azp: WEB,
    idtyp: 'user',
    amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    ...(mfa ? { acrs: ['c1'] } : {}),
  },
});

const root = document.getElementById('root') as HTMLElement;
for (const trace of FIXTURE_TRACES) {
  const token = trace.correlationId.startsWith('web-b2c')
    ? b2cSpaToken
    : spaToken(trace.correlationId === 'web-approve');
  root.append(chainDiagram(trace, ctx, token));
}
