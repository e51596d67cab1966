import type { DiagramArrow, DiagramModel, DiagramNode } from './chain-model';

/** A font as both the canvas (measuring) and the SVG (drawing) take it, so both agree on text widths. */
export interface FontSpec {
  readonly family: string;
  readonly size: number;
  readonly weight: number;
}

const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif";
const MONO = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace";

export const FONTS = {
  title: { family: SANS, size: 13, weight: 600 },
  subtitle: { family: SANS, size: 11, weight: 400 },
  key: { family: SANS, size: 11, weight: 400 },
  value: { family: MONO, size: 11, weight: 400 },
  pill: { family: SANS, size: 11, weight: 600 },
  call: { family: MONO, size: 11, weight: 400 },
  note: { family: SANS, size: 11, weight: 400 },
} as const satisfies Record<string, FontSpec>;
export type FontRole = keyof typeof FONTS;

/** Width in CSS pixels of `text` drawn in `font`. */
export type Measure = (text: string, font: FontSpec) => number;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One line of text at its baseline; `anchor` as SVG's `text-anchor`. */
export interface TextItem {
  readonly text: string;
  readonly role: FontRole;
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle';
  readonly title?: string;
}

export interface PlacedNode {
  readonly node: DiagramNode;
  readonly box: Box;
  readonly texts: readonly TextItem[];
}

export interface PlacedArrow {
  readonly arrow: DiagramArrow;
  readonly x1: number;
  readonly x2: number;
  readonly y: number;
  readonly pill: Box;
  readonly texts: readonly TextItem[];
}

export interface DiagramGeometry {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly arrows: readonly PlacedArrow[];
}

const MARGIN = 4;
const PAD_X = 10;
const PAD_Y = 8;
const TITLE_H = 19;
const LINE_H = 15;
const KEY_GAP = 8;
const ROW_GAP = 14;
const ARROW_PAD_X = 10;
const ARROW_HEAD = 10;
const ARROW_MIN = 110;
const PILL_H = 17;
const PILL_PAD = 8;
const LABEL_H = 14;
const LINE_GAP = 5;

/**
 * Places the model's boxes and arrows. Every size comes from the measured text, so no label is cut;
 * every callee owns a horizontal band of rows that its arrow and labels stay inside, so nothing overlaps.
 */
export function chainGeometry(model: DiagramModel, measure: Measure): DiagramGeometry {
  const width = (text: string, role: FontRole) => Math.ceil(measure(text, FONTS[role]) * 1.04) + 2;
  const nodeSizes = new Map(model.nodes.map((n) => [n.id, nodeSize(n, width)]));
  const labelSizes = new Map(model.arrows.map((a) => [a.to, labelSize(a, width)]));
  const columns = columnXs(model, nodeSizes, labelSizes);
  const rowTops = rowYs(model, nodeSizes, labelSizes);
  const slot = (n: DiagramNode): Box => {
    const top = rowTops[n.row - 1] ?? MARGIN;
    const bottom = (rowTops[n.row - 1 + n.rowSpan] ?? MARGIN) - ROW_GAP;
    const col = columns.nodes[n.column] ?? { x: MARGIN, width: 0 };
    return { x: col.x, y: top, width: col.width, height: bottom - top };
  };
  const boxes = new Map(model.nodes.map((n) => [n.id, slot(n)]));
  const nodes = model.nodes.map((n) => placeNode(n, boxes.get(n.id) ?? slot(n), nodeSizes.get(n.id)));
  const arrows = model.arrows.map((a) => placeArrow(a, boxes, labelSizes.get(a.to)));
  const last = columns.nodes[columns.nodes.length - 1] ?? { x: 0, width: 0 };
  return {
    width: last.x + last.width + MARGIN,
    height: (rowTops[rowTops.length - 1] ?? MARGIN) - ROW_GAP + MARGIN,
    nodes,
    arrows,
  };
}

interface Size {
  readonly width: number;
  readonly height: number;
  readonly keyWidth: number;
}

function nodeSize(n: DiagramNode, width: (t: string, r: FontRole) => number): Size {
  const keyWidth = Math.max(0, ...n.facts.map((f) => width(f.key, 'key')));
  const valueWidth = Math.max(0, ...n.facts.map((f) => width(f.value, 'value')));
  const content = Math.max(
    width(n.title, 'title'),
    n.subtitle === undefined ? 0 : width(n.subtitle, 'subtitle'),
    n.facts.length === 0 ? 0 : keyWidth + KEY_GAP + valueWidth,
  );
  const lines = n.facts.length + (n.subtitle === undefined ? 0 : 1);
  return { width: content + 2 * PAD_X, height: 2 * PAD_Y + TITLE_H + lines * LINE_H, keyWidth };
}

interface LabelSize {
  readonly width: number;
  /** Height needed on each side of the arrow's line. */
  readonly half: number;
  readonly pillWidth: number;
}

function labelSize(a: DiagramArrow, width: (t: string, r: FontRole) => number): LabelSize {
  const pillWidth = width(a.flow, 'pill') + 2 * PILL_PAD;
  const lines = Math.max(
    pillWidth,
    ...a.above.map((t) => width(t, 'call')),
    ...a.below.map((t) => width(t, 'note')),
  );
  const above = PILL_H + 2 + a.above.length * LABEL_H;
  const below = a.below.length * LABEL_H;
  return {
    width: lines + 2 * ARROW_PAD_X + ARROW_HEAD,
    half: Math.max(above, below) + LINE_GAP + 2,
    pillWidth,
  };
}

/** x and width of every node column; the gap before a column fits the widest label of its arrows. */
function columnXs(model: DiagramModel, nodes: Map<string, Size>, labels: Map<string, LabelSize>) {
  const count = Math.max(...model.nodes.map((n) => n.column)) + 1;
  const result: { x: number; width: number }[] = [];
  let x = MARGIN;
  for (let c = 0; c < count; c++) {
    const inColumn = model.nodes.filter((n) => n.column === c);
    const gap = Math.max(ARROW_MIN, ...inColumn.map((n) => labels.get(n.id)?.width ?? 0));
    if (c > 0) x += gap;
    const width = Math.max(...inColumn.map((n) => nodes.get(n.id)?.width ?? 0));
    result.push({ x, width });
    x += width;
  }
  return { nodes: result };
}

/** Top y of every row, plus one past the last; spanning nodes grow their rows when they need more room. */
function rowYs(model: DiagramModel, nodes: Map<string, Size>, labels: Map<string, LabelSize>): number[] {
  const heights: number[] = Array.from({ length: model.rows }, () => 0);
  for (const n of [...model.nodes].sort((a, b) => a.rowSpan - b.rowSpan)) {
    const need = Math.max(nodes.get(n.id)?.height ?? 0, 2 * (labels.get(n.id)?.half ?? 0));
    const rows = heights.slice(n.row - 1, n.row - 1 + n.rowSpan);
    const have = rows.reduce((s, h) => s + h, 0) + ROW_GAP * (n.rowSpan - 1);
    const extra = Math.max(0, need - have) / n.rowSpan;
    for (let r = n.row - 1; r < n.row - 1 + n.rowSpan; r++) heights[r] = (heights[r] ?? 0) + extra;
  }
  const tops = [MARGIN];
  for (const h of heights) tops.push((tops[tops.length - 1] ?? MARGIN) + Math.ceil(h) + ROW_GAP);
  return tops;
}

function placeNode(n: DiagramNode, box: Box, size: Size | undefined): PlacedNode {
  const height = size?.height ?? box.height;
  let top = box.y + (box.height - height) / 2 + PAD_Y;
  const x = box.x + PAD_X;
  const texts: TextItem[] = [
    { text: n.title, role: 'title', x, y: baseline(top, TITLE_H, 13), anchor: 'start' },
  ];
  top += TITLE_H;
  if (n.subtitle !== undefined) {
    texts.push({ text: n.subtitle, role: 'subtitle', x, y: baseline(top, LINE_H, 11), anchor: 'start' });
    top += LINE_H;
  }
  const valueX = x + (size?.keyWidth ?? 0) + KEY_GAP;
  for (const fact of n.facts) {
    const y = baseline(top, LINE_H, 11);
    texts.push({ text: fact.key, role: 'key', x, y, anchor: 'start' });
    texts.push({ text: fact.value, role: 'value', x: valueX, y, anchor: 'start', ...titleOf(fact.title) });
    top += LINE_H;
  }
  return { node: n, box, texts };
}

function placeArrow(a: DiagramArrow, boxes: Map<string, Box>, label: LabelSize | undefined): PlacedArrow {
  const from = boxes.get(a.from) ?? { x: 0, y: 0, width: 0, height: 0 };
  const to = boxes.get(a.to) ?? from;
  const x1 = from.x + from.width;
  const x2 = to.x;
  const y = Math.round(to.y + to.height / 2);
  const cx = (x1 + x2 - ARROW_HEAD) / 2;
  const pillWidth = label?.pillWidth ?? 0;
  let top = y - LINE_GAP - a.above.length * LABEL_H - 2 - PILL_H;
  const pill = { x: cx - pillWidth / 2, y: top, width: pillWidth, height: PILL_H };
  const texts: TextItem[] = [
    { text: a.flow, role: 'pill', x: cx, y: baseline(top, PILL_H, 11), anchor: 'middle' },
  ];
  top += PILL_H + 2;
  for (const line of a.above) {
    texts.push({ text: line, role: 'call', x: cx, y: baseline(top, LABEL_H, 11), anchor: 'middle' });
    top += LABEL_H;
  }
  top = y + LINE_GAP;
  for (const line of a.below) {
    texts.push({ text: line, role: 'note', x: cx, y: baseline(top, LABEL_H, 11), anchor: 'middle' });
    top += LABEL_H;
  }
  return { arrow: a, x1, x2, y, pill, texts };
}

/** Baseline of a line of `size` px text centred in a band of `height` px starting at `top`. */
function baseline(top: number, height: number, size: number): number {
  return Math.round((top + height / 2 + size * 0.36) * 10) / 10;
}

function titleOf(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}
