import type { Page } from 'playwright-core';

export interface LayoutProblems {
  readonly cut: string[];
  readonly overlapping: string[];
  readonly detached: string[];
}

/**
 * Reads the rendered diagrams and lists what would make them hard to read: text cut by its box,
 * arrows or nodes overlapping, arrows whose line does not reach both of its nodes.
 */
export async function diagramLayoutProblems(page: Page): Promise<LayoutProblems> {
  return page.evaluate(() => {
    const cut: string[] = [];
    const overlapping: string[] = [];
    const detached: string[] = [];
    const label = (el: Element) => `${el.className} "${(el.textContent ?? '').slice(0, 40)}"`;
    for (const diagram of Array.from(document.querySelectorAll('.diagram'))) {
      for (const el of Array.from(diagram.querySelectorAll<HTMLElement>('.node, .node *, .arrow *'))) {
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') cut.push(label(el));
      }
      const boxes = Array.from(diagram.querySelectorAll<HTMLElement>(':scope > .node, :scope > .arrow'));
      const rects = boxes.map((b) => b.getBoundingClientRect());
      rects.forEach((a, i) =>
        rects.slice(i + 1).forEach((b, j) => {
          const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
          if (overlap) overlapping.push(`${label(boxes[i]!)} / ${label(boxes[i + 1 + j]!)}`);
        }),
      );
      for (const line of Array.from(diagram.querySelectorAll<HTMLElement>('.arrow__line'))) {
        const r = line.getBoundingClientRect();
        const y = r.top + r.height / 2;
        const touches = (x: number) =>
          boxes.some((b) => {
            const n = b.getBoundingClientRect();
            return b.classList.contains('node') && x >= n.left - 12 && x <= n.right + 12 && y >= n.top && y <= n.bottom;
          });
        if (!touches(r.left - 2) || !touches(r.right + 10)) detached.push(label(line.parentElement!));
      }
    }
    return { cut, overlapping, detached };
  });
}
