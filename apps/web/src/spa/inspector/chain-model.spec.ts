import type { ChainTrace, HopRecord } from '../../shared/chain-trace';
import { callLines, chainModel, shortPath } from './chain-model';

const BFF = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
const ctx = { applications: { [BFF]: 'bff' }, spaScopes: ['api://bff/access_as_user'] };

const hop = (to: string, flow: HopRecord['flow'], children?: HopRecord[]): HopRecord => ({
  from: 'bff',
  to,
  flow,
  method: 'GET',
  path: '/programmes/6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d',
  status: 200,
  durationMs: 12.4,
  token: {
    source: flow === 'on-behalf-of' ? 'token-service' : 'cache',
    acquireMs: 3.25,
    claims: { azp: BFF, scp: 'Program.Read' },
  },
  ...(children === undefined ? {} : { children }),
});

const trace = (hops: HopRecord[]): ChainTrace => ({
  correlationId: 'web-1',
  method: 'GET',
  path: '/api/programmes',
  status: 200,
  startedAt: '2026-11-28T18:00:00.000Z',
  durationMs: 40,
  hops,
});

describe('chainModel', () => {
  it('labels each arrow with its flow, its call, its status and time, and where the token came from', () => {
    const model = chainModel(
      trace([hop('program-service', 'on-behalf-of'), hop('pricing-service', 'client-credentials')]),
      ctx,
    );
    expect(model.arrows.map((a) => [a.from, a.to, a.flow, ...a.above, ...a.below])).toEqual([
      ['spa', 'bff', 'user sign-in', 'GET /api/programmes', '200 · 40 ms', 'token: MSAL'],
      [
        'bff',
        'hop-0',
        'on-behalf-of',
        'GET /programmes/6b1f…',
        '200 · 12 ms',
        'token: token service · 3.3 ms',
      ],
      ['bff', 'hop-1', 'client credentials', 'GET /programmes/6b1f…', '200 · 12 ms', 'token: cache · 3.3 ms'],
    ]);
  });

  it('labels a verified delegation as such and draws it in its own colour, the second hop too', () => {
    const model = chainModel(
      trace([
        hop('documents-service', 'verified-delegation', [hop('program-service', 'verified-delegation')]),
        hop('pricing-service', 'client-credentials'),
      ]),
      ctx,
    );
    expect(model.arrows.slice(1).map((a) => [a.to, a.kind, a.flow, a.data['flow']])).toEqual([
      ['hop-0', 'vd', 'verified delegation', 'verified-delegation'],
      ['hop-1', 'vd', 'verified delegation', 'verified-delegation'],
      ['hop-2', 'cc', 'client credentials', 'client-credentials'],
    ]);
    expect(model.nodes.slice(2).map((n) => n.kind)).toEqual(['vd', 'vd', 'cc']);
  });

  it('shows, beside the app token of a verified delegation, what its proof says about the user', () => {
    const delegated: HopRecord = {
      ...hop('program-service', 'verified-delegation'),
      token: {
        source: 'cache',
        acquireMs: 0.4,
        claims: { aud: 'program-id', scp: 'Delegation.Act', azp: BFF },
        delegation: { scp: 'Program.ReadWrite', amr: ['mfa'], tfp: 'B2C_1_signin_mfa', oid: 'u-1' },
      },
    };
    const node = chainModel(trace([delegated]), ctx).nodes[2];
    expect(node?.facts.map((f) => `${f.key}=${f.value}`)).toEqual([
      'aud=program-id',
      'scp=Delegation.Act',
      'azp=bff',
      'user scp=Program.ReadWrite',
      'user amr=mfa',
      'user tfp=B2C_1_signin_mfa',
    ]);
  });

  it('draws a second hop from the service that made it, one column further right', () => {
    const model = chainModel(
      trace([hop('documents-service', 'on-behalf-of', [hop('program-service', 'on-behalf-of')])]),
      ctx,
    );
    expect(model.nodes.map((n) => [n.id, n.title, n.column, n.row, n.rowSpan])).toEqual([
      ['spa', 'SPA', 0, 1, 1],
      ['bff', 'bff', 1, 1, 1],
      ['hop-0', 'documents-service', 2, 1, 1],
      ['hop-1', 'program-service', 3, 1, 1],
    ]);
    expect(model.arrows[2]).toMatchObject({
      from: 'hop-0',
      to: 'hop-1',
      data: { depth: '2', from: 'documents-service', to: 'program-service' },
    });
  });

  it('names a callee after its token audience, whatever name the caller recorded it under', () => {
    const PROGRAM = '2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33';
    const named = {
      ...ctx,
      applications: { ...ctx.applications, [PROGRAM]: 'program-service', x: 'pricing-service' },
    };
    const byAud = {
      ...hop('PROGRAM', 'on-behalf-of'),
      token: { source: 'cache' as const, acquireMs: 0, claims: { aud: PROGRAM } },
    };
    const byName = hop('PRICING', 'client-credentials');
    const model = chainModel(trace([byAud, byName]), named);
    expect(model.nodes.slice(2).map((n) => n.title)).toEqual(['program-service', 'pricing-service']);
    expect(model.arrows[1]?.data).toMatchObject({ to: 'program-service', downstream: 'PROGRAM' });
  });

  it('names a client id it knows and keeps the GUID as the tooltip', () => {
    const node = chainModel(trace([hop('program-service', 'on-behalf-of')]), ctx).nodes[2];
    expect(node?.facts).toContainEqual({ key: 'azp', value: 'bff', title: BFF });
  });

  it('shows the claims of the SPA token on the BFF card when the SPA decoded them', () => {
    const model = chainModel(trace([]), ctx, {
      fromCache: true,
      claims: { aud: BFF, amr: ['pwd', 'mfa'], acrs: ['c1'] },
    });
    expect(model.nodes[1]?.facts.map((f) => `${f.key}=${f.value}`)).toEqual([
      'aud=bff',
      'amr=pwd mfa',
      'acrs=c1',
    ]);
    expect(model.arrows[0]?.below).toContain('token: MSAL cache');
  });
});

describe('callLines', () => {
  it('keeps a short call on one line', () => {
    expect(callLines('POST', '/quotes')).toEqual(['POST /quotes']);
  });

  it('breaks a long path before a slash', () => {
    expect(callLines('POST', '/api/programmes/6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d/documents')).toEqual([
      'POST /api/programmes/6b1f…',
      '/documents',
    ]);
  });
});

describe('shortPath', () => {
  it('shortens GUIDs and leaves other segments alone', () => {
    expect(shortPath('/a/6B1F0C2E-9D8A-4F7B-8C6D-5E4F3A2B1C0D/b')).toBe('/a/6B1F…/b');
  });
});
