/**
 * Browser entry for the inspector layout test: draws sample traces (the shapes /api/chain returns) with
 * the SPA's own diagram code, without a chain behind it.
 */
import type { ChainTrace, HopRecord } from '../../../apps/web/src/shared/chain-trace';
import { chainDiagram } from '../../../apps/web/src/spa/inspector/chain-diagram';

const BFF = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
const DOCUMENTS = '4f1a6b3c-5e8b-4c2f-9a7d-0b9c8e7f6a55';
const PROGRAMME = '6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d';

const programHop = (from: string, azp: string, scp: string, path: string): HopRecord => ({
  from,
  to: 'program-service',
  flow: 'on-behalf-of',
  method: 'GET',
  path,
  status: 200,
  durationMs: 11.4,
  token: { source: 'token-service', acquireMs: 38, claims: { aud: 'api://program-service', scp, azp, idtyp: 'user', ver: '2.0' } },
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
        token: { source: 'cache', acquireMs: 0.3, claims: { aud: 'api://pricing-service', roles: ['Pricing.Read.All'], azp: BFF, idtyp: 'app' } },
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
        token: { source: 'token-service', acquireMs: 41, claims: { aud: 'api://documents-service', scp: 'Documents.ReadWrite', azp: BFF, idtyp: 'user' } },
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
          claims: { aud: 'api://program-service', scp: 'Program.ReadWrite', azp: BFF, amr: ['pwd', 'mfa'], acrs: ['c1'] },
        },
      },
    ],
  },
];

const ctx = {
  applications: { [BFF]: 'bff', [DOCUMENTS]: 'documents-service' },
  spaScopes: ['api://bff/access_as_user'],
};
const root = document.getElementById('root') as HTMLElement;
for (const trace of FIXTURE_TRACES) {
  const box = document.createElement('div');
  box.className = 'request';
  box.append(chainDiagram(trace, ctx));
  root.append(box);
}
