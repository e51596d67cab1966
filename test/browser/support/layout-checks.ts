import type { Page } from 'playwright-core';

export interface LayoutProblems {
  /** Text that sticks out of its box (a node card, an arrow's band, a pill). */
  readonly cut: string[];
  /** Two texts, two boxes, a label and a box, or an arrow line and a text that cross. */
  readonly overlapping: string[];
  /** Arrows whose line does not start on its caller's edge or end on its callee's edge. */
  readonly detached: string[];
  /** Diagrams wider than the space the page gives them (the reader would have to scroll). */
  readonly tooWide: string[];
}

/**
 * Reads every rendered call-chain SVG on the page (screen coordinates, as drawn with the real fonts)
 * and lists what would make it hard to read at a glance.
 */
export async function diagramLayoutProblems(page: Page): Promise<LayoutProblems> {
  return page.evaluate(() => {
    type R = { left: number; right: number; top: number; bottom: number };
    const cut: string[] = [];
    const overlapping: string[] = [];
    const detached: string[] = [];
    const tooWide: string[] = [];
    // A DOMRect's fields are prototype getters (spreading one copies nothing): copy them out.
    const rect = (el: Element): R => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const inside = (a: R, b: R) =>
      a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    const cross = (a: R, b: R) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
    const name = (el: Element) => `"${(el.textContent ?? '').trim().slice(0, 48)}"`;
    for (const svg of Array.from(document.querySelectorAll('svg.chain'))) {
      const id = svg.getAttribute('data-correlation-id') ?? '?';
      const canvas = svg.parentElement!;
      if (canvas.scrollWidth > canvas.clientWidth + 1)
        tooWide.push(`${id}: ${canvas.scrollWidth}px in ${canvas.clientWidth}px`);
      const nodes = Array.from(svg.querySelectorAll('g.node')).map((g) => ({
        g,
        box: rect(g.querySelector('rect')!),
      }));
      const texts = Array.from(svg.querySelectorAll('text')).map((t) => ({ t, box: rect(t) }));
      for (const { g, box } of nodes) {
        for (const t of Array.from(g.querySelectorAll('text')))
          if (!inside(rect(t), box)) cut.push(`${id}: ${name(t)} outside its card`);
      }
      nodes.forEach((a, i) =>
        nodes
          .slice(i + 1)
          .forEach(
            (b) =>
              cross(a.box, b.box) &&
              overlapping.push(
                `${id}: cards ${name(a.g.querySelector('text')!)} / ${name(b.g.querySelector('text')!)}`,
              ),
          ),
      );
      texts.forEach((a, i) =>
        texts
          .slice(i + 1)
          .forEach(
            (b) => cross(a.box, b.box) && overlapping.push(`${id}: texts ${name(a.t)} / ${name(b.t)}`),
          ),
      );
      for (const g of Array.from(svg.querySelectorAll('g.arrow'))) {
        const line = g.querySelector('line')!;
        const head = rect(g.querySelector('polygon')!);
        const band = { left: rect(line).left, right: head.right, top: -Infinity, bottom: Infinity };
        const pill = rect(g.querySelector('rect')!);
        const [pillText, ...labels] = Array.from(g.querySelectorAll('text'));
        if (pillText && !inside(rect(pillText), pill)) cut.push(`${id}: pill ${name(pillText)}`);
        for (const t of labels)
          if (!inside(rect(t), band)) cut.push(`${id}: label ${name(t)} beyond its arrow`);
        for (const t of Array.from(g.querySelectorAll('text'))) {
          for (const n of nodes)
            if (cross(rect(t), n.box))
              overlapping.push(`${id}: label ${name(t)} on card ${name(n.g.querySelector('text')!)}`);
        }
        const lineBox = rect(line);
        for (const x of texts)
          if (cross(lineBox, x.box)) overlapping.push(`${id}: arrow line through ${name(x.t)}`);
        const y = (lineBox.top + lineBox.bottom) / 2;
        const from = nodes.find((n) => n.g.getAttribute('data-node') === g.getAttribute('data-from-node'));
        const to = nodes.find((n) => n.g.getAttribute('data-node') === g.getAttribute('data-to-node'));
        const touches = (n: typeof from, x: number) =>
          n !== undefined && Math.abs(x) <= 2 && y > n.box.top && y < n.box.bottom;
        if (
          !touches(from, lineBox.left - (from?.box.right ?? NaN)) ||
          !touches(to, head.right - (to?.box.left ?? NaN))
        ) {
          detached.push(`${id}: ${g.getAttribute('data-from')} → ${g.getAttribute('data-to')}`);
        }
      }
    }
    return { cut, overlapping, detached, tooWide };
  });
}
