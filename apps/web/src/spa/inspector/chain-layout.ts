import type { ChainTrace, HopRecord } from '../../shared/chain-trace';

/** A hop placed on the diagram's grid: its call depth (1 = called by the BFF), its caller and its rows. */
export interface PlacedHop {
  readonly hop: HopRecord;
  /** The hop that made this call; `undefined` when the BFF did. */
  readonly parent?: HopRecord;
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
 * Lays the hops of one request out as a tree: one row per leaf, each caller spanning the rows of its
 * callees, so every arrow has its own horizontal band (no crossing, no overlap) and a callee reached
 * twice (program-service by the BFF and by documents-service) is drawn twice, once per path.
 */
export function layoutChain(trace: Pick<ChainTrace, 'hops'>): ChainLayout {
  const hops: PlacedHop[] = [];
  let depth = 0;
  const place = (list: readonly HopRecord[], level: number, firstRow: number, parent?: HopRecord): number => {
    let row = firstRow;
    for (const hop of list) {
      depth = Math.max(depth, level);
      const span = Math.max(1, place(hop.children ?? [], level + 1, row, hop));
      hops.push({ hop, ...(parent === undefined ? {} : { parent }), depth: level, row, rowSpan: span });
      row += span;
    }
    return row - firstRow;
  };
  const rows = Math.max(1, place(trace.hops, 1, 1));
  hops.sort((a, b) => a.row - b.row || a.depth - b.depth);
  return { rows, depth, hops };
}
