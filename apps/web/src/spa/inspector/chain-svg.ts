import { s } from '../ui/svg';
import {
  type DiagramGeometry,
  FONTS,
  type PlacedArrow,
  type PlacedNode,
  type TextItem,
} from './chain-geometry';

/**
 * Draws a placed diagram as SVG. Fonts are presentation attributes taken from the same `FONTS` the
 * geometry measured with; colours come from app.css classes (the CSP allows no inline styles).
 */
export function chainSvg(geometry: DiagramGeometry, correlationId: string): SVGSVGElement {
  const { width, height } = geometry;
  return s(
    'svg',
    {
      class: 'chain',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Call chain of request ${correlationId}`,
      'data-correlation-id': correlationId,
    },
    ...geometry.nodes.map(nodeGroup),
    ...geometry.arrows.map(arrowGroup),
  );
}

function nodeGroup(placed: PlacedNode): SVGGElement {
  const { node, box } = placed;
  return s(
    'g',
    { class: `node node--${node.kind}`, 'data-node': node.id, 'data-name': node.title },
    s('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }),
    ...placed.texts.map(text),
  );
}

function arrowGroup(placed: PlacedArrow): SVGGElement {
  const { arrow, x1, x2, y, pill } = placed;
  const data = Object.fromEntries(Object.entries(arrow.data).map(([k, v]) => [`data-${k}`, v]));
  const head = `${x2},${y} ${x2 - 10},${y - 6} ${x2 - 10},${y + 6}`;
  return s(
    'g',
    { class: `arrow arrow--${arrow.kind}`, 'data-from-node': arrow.from, 'data-to-node': arrow.to, ...data },
    s('line', { class: 'arrow__line', x1, y1: y, x2: x2 - 9, y2: y }),
    s('polygon', { class: 'arrow__head', points: head }),
    s('rect', {
      class: 'arrow__pill',
      x: pill.x,
      y: pill.y,
      width: pill.width,
      height: pill.height,
      rx: 8.5,
    }),
    ...placed.texts.map(text),
  );
}

function text(item: TextItem): SVGTextElement {
  const font = FONTS[item.role];
  return s(
    'text',
    {
      class: `t t--${item.role}${item.role === 'note' && /^[45]\d\d /.test(item.text) ? ' t--failed' : ''}`,
      x: item.x,
      y: item.y,
      'text-anchor': item.anchor,
      'font-family': font.family,
      'font-size': font.size,
      'font-weight': font.weight,
    },
    item.text,
    item.title === undefined ? undefined : s('title', {}, item.title),
  );
}
