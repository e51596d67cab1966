import type { ChainTrace, HopRecord } from '../../shared/chain-trace';

/** A hop placed in the diagram grid: its column depth (1 = called by the BFF) and its row span. */
export interface PlacedHop {
  readonly hop: HopRecord;
  readonly depth: number;
  readonly row: number;
  readonly rowSpan: number;
}

export interface ChainLayout {
  readonly rows: number;
  readonly depth: number;
  readonly hops: readonly PlacedHop[];
}

/**
 * Lays the hops of one request out as a tree on a grid: one row per leaf, each caller spanning the rows
 * of its callees, so every arrow has its own grid cell (no crossing, no overlap) and a callee that is
 * reached twice (program-service by the BFF and by documents-service) is drawn twice, once per path.
 */
export function layoutChain(trace: Pick<ChainTrace, 'hops'>): ChainLayout {
  const hops: PlacedHop[] = [];
  let depth = 0;
  const place = (list: readonly HopRecord[], level: number, firstRow: number): number => {
    let row = firstRow;
    for (const hop of list) {
      depth = Math.max(depth, level);
      const span = Math.max(1, place(hop.children ?? [], level + 1, row));
      hops.push({ hop, depth: level, row, rowSpan: span });
      row += span;
    }
    return row - firstRow;
  };
  const rows = Math.max(1, place(trace.hops, 1, 1));
  hops.sort((a, b) => a.row - b.row || a.depth - b.depth);
  return { rows, depth, hops };
}
