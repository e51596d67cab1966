import type { ChainTrace, HopRecord } from '../../shared/chain-trace';
import { type Box, chainGeometry, type DiagramGeometry } from './chain-geometry';
import { chainModel } from './chain-model';
import { estimateText } from './text-measure';

const hop = (to: string, children?: HopRecord[]): HopRecord => ({
  from: 'bff',
  to,
  flow: 'on-behalf-of',
  method: 'POST',
  path: '/programmes/6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d/documents',
  status: 201,
  durationMs: 70,
  token: {
    source: 'token-service',
    acquireMs: 41,
    claims: { aud: 'api://documents-service', scp: 'Documents.ReadWrite' },
  },
  ...(children === undefined ? {} : { children }),
});

const trace: ChainTrace = {
  correlationId: 'web-1',
  method: 'POST',
  path: '/api/programmes/6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d/documents',
  status: 201,
  startedAt: '2026-11-28T18:00:00.000Z',
  durationMs: 95,
  hops: [
    hop('program-service'),
    hop('documents-service', [hop('program-service'), hop('audit')]),
    hop('pricing-service'),
  ],
};

const geometry: DiagramGeometry = chainGeometry(
  chainModel(trace, { applications: {}, spaScopes: [] }),
  estimateText,
);
const overlap = (a: Box, b: Box) =>
  Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) &&
  Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);

describe('chainGeometry', () => {
  it('never lets two boxes overlap', () => {
    const boxes = geometry.nodes.map((n) => n.box);
    const pairs = boxes.flatMap((a, i) => boxes.slice(i + 1).map((b) => overlap(a, b)));
    expect(pairs).not.toContain(true);
  });

  it('starts every arrow on its caller and ends it on its callee, inside both', () => {
    const boxOf = (id: string) => geometry.nodes.find((n) => n.node.id === id)?.box as Box;
    for (const a of geometry.arrows) {
      const from = boxOf(a.arrow.from);
      const to = boxOf(a.arrow.to);
      expect([a.x1, a.x2]).toEqual([from.x + from.width, to.x]);
      expect(a.y).toBeGreaterThan(Math.max(from.y, to.y));
      expect(a.y).toBeLessThan(Math.min(from.y + from.height, to.y + to.height));
    }
  });

  it('keeps every arrow label between its two boxes, and the labels of one column apart', () => {
    for (const a of geometry.arrows) {
      const half =
        Math.max(...a.texts.map((t) => estimateText(t.text, { family: '', size: 11, weight: 400 }))) / 2;
      for (const t of a.texts) expect([t.x - half >= a.x1, t.x + half <= a.x2]).toEqual([true, true]);
    }
    const bands = geometry.arrows.map((a) => ({
      x: a.x1,
      width: a.x2 - a.x1,
      y: a.pill.y,
      height: a.texts.at(-1)!.y - a.pill.y,
    }));
    const pairs = bands.flatMap((a, i) => bands.slice(i + 1).map((b) => overlap(a, b)));
    expect(pairs).not.toContain(true);
  });

  it('sizes the drawing to its content', () => {
    const right = Math.max(...geometry.nodes.map((n) => n.box.x + n.box.width));
    const bottom = Math.max(...geometry.nodes.map((n) => n.box.y + n.box.height));
    expect([geometry.width - right, geometry.height - bottom]).toEqual([4, 4]);
  });
});
