import type { HopRecord } from '../../shared/chain-trace';
import { layoutChain } from './chain-layout';

const hop = (to: string, children?: HopRecord[]): HopRecord => ({
  from: 'bff',
  to,
  flow: 'on-behalf-of',
  method: 'GET',
  path: '/',
  status: 200,
  durationMs: 1,
  token: { source: 'cache', acquireMs: 0, claims: {} },
  ...(children === undefined ? {} : { children }),
});

describe('layoutChain', () => {
  it('gives every leaf its own row and lets a caller span the rows of its callees', () => {
    const layout = layoutChain({
      hops: [hop('program'), hop('documents', [hop('program'), hop('x')]), hop('pricing')],
    });
    expect(layout).toMatchObject({ rows: 4, depth: 2 });
    expect(layout.hops.map((p) => [p.hop.to, p.parent?.to, p.depth, p.row, p.rowSpan])).toEqual([
      ['program', undefined, 1, 1, 1],
      ['documents', undefined, 1, 2, 2],
      ['program', 'documents', 2, 2, 1],
      ['x', 'documents', 2, 3, 1],
      ['pricing', undefined, 1, 4, 1],
    ]);
  });

  it('keeps one row for a request that made no downstream call', () => {
    expect(layoutChain({ hops: [] })).toEqual({ rows: 1, depth: 0, hops: [] });
  });
});
