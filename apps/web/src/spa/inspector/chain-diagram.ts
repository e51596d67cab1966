import { type ChainTrace, Flow, type HopRecord, TokenSource } from '../../shared/chain-trace';
import { h } from '../ui/dom';
import { layoutChain, type PlacedHop } from './chain-layout';

/** What the diagram needs besides the trace: names for client ids and the SPA's own scopes. */
export interface DiagramContext {
  readonly applications: Readonly<Record<string, string>>;
  readonly spaScopes: readonly string[];
}

const FLOW_LABEL: Record<Flow, string> = {
  [Flow.OnBehalfOf]: 'on behalf of',
  [Flow.ClientCredentials]: 'client credentials',
};

const FLOW_NOTE: Record<Flow, string> = {
  [Flow.OnBehalfOf]: 'user token, exchanged',
  [Flow.ClientCredentials]: 'app-only token',
};

const SOURCE_LABEL: Record<TokenSource, string> = {
  [TokenSource.Cache]: 'from cache',
  [TokenSource.TokenService]: 'from token service',
  [TokenSource.Refresh]: 'refreshed',
};

/**
 * One request drawn as a tree: SPA → BFF → the services it called → their callees. CSS grid, one cell per
 * node and per arrow, so labels wrap instead of being cut and arrows never cross.
 */
export function chainDiagram(trace: ChainTrace, ctx: DiagramContext): HTMLElement {
  const layout = layoutChain(trace);
  const columns = ['minmax(96px, auto)', '200px', '150px'];
  for (let d = 0; d < layout.depth; d++) columns.push('210px', 'minmax(240px, 290px)');
  const all = `1 / span ${layout.rows}`;
  return h(
    'div',
    { class: 'diagram', style: `grid-template-columns: ${columns.join(' ')}`, 'data-correlation-id': trace.correlationId },
    h('div', { class: 'node node--spa', style: `grid-column: 1; grid-row: ${all}` }, h('strong', {}, 'SPA'), h('span', {}, 'MSAL Browser')),
    arrow({
      column: 2,
      rows: all,
      kind: 'user',
      label: 'user sign-in',
      note: ctx.spaScopes.join(' '),
      call: `${trace.method} ${shortPath(trace.path)}`,
      status: trace.status,
      ms: trace.durationMs,
      attrs: { 'data-flow': 'auth-code', 'data-depth': 0, 'data-to': 'bff' },
    }),
    h(
      'div',
      { class: 'node node--bff', style: `grid-column: 3; grid-row: ${all}` },
      h('strong', {}, 'bff'),
      h('span', {}, `${trace.hops.length} downstream ${trace.hops.length === 1 ? 'call' : 'calls'}`),
    ),
    layout.hops.flatMap((placed) => hopCells(placed, ctx)),
  );
}

function hopCells(placed: PlacedHop, ctx: DiagramContext): HTMLElement[] {
  const { hop, depth } = placed;
  const rows = `${placed.row} / span ${placed.rowSpan}`;
  const arrowColumn = 2 + depth * 2;
  return [
    arrow({
      column: arrowColumn,
      rows,
      kind: hop.flow === Flow.OnBehalfOf ? 'obo' : 'cc',
      label: FLOW_LABEL[hop.flow],
      note: FLOW_NOTE[hop.flow],
      call: `${hop.method} ${shortPath(hop.path)}`,
      status: hop.status,
      ms: hop.durationMs,
      attrs: { 'data-flow': hop.flow, 'data-depth': depth, 'data-to': hop.to, 'data-from': hop.from },
    }),
    hopCard(hop, arrowColumn + 1, rows, depth, ctx),
  ];
}

interface ArrowSpec {
  readonly column: number;
  readonly rows: string;
  readonly kind: 'user' | 'obo' | 'cc';
  readonly label: string;
  readonly note: string;
  readonly call: string;
  readonly status: number;
  readonly ms: number;
  readonly attrs: Record<string, string | number>;
}

function arrow(spec: ArrowSpec): HTMLElement {
  return h(
    'div',
    { class: `arrow arrow--${spec.kind}`, style: `grid-column: ${spec.column}; grid-row: ${spec.rows}`, ...spec.attrs },
    h('div', { class: 'arrow__above' }, h('span', { class: 'pill' }, spec.label), h('span', { class: 'arrow__note' }, spec.note)),
    h('div', { class: 'arrow__line' }),
    h(
      'div',
      { class: 'arrow__below' },
      h('code', {}, spec.call),
      h('span', {}, h('b', { class: statusClass(spec.status) }, spec.status), ` · ${formatMs(spec.ms)}`),
    ),
  );
}

function hopCard(hop: HopRecord, column: number, rows: string, depth: number, ctx: DiagramContext): HTMLElement {
  const claims = hop.token.claims;
  const azpName = claims.azp === undefined ? undefined : ctx.applications[claims.azp];
  const facts: [string, string | undefined, string?][] = [
    ['aud', claims.aud],
    claims.scp !== undefined ? ['scp', claims.scp] : ['roles', claims.roles?.join(' ')],
    ['azp', azpName ?? claims.azp, claims.azp],
    ['idtyp', claims.idtyp],
    ['amr', claims.amr?.join(' ')],
    ['acrs', claims.acrs?.join(' ')],
    ['token', `${SOURCE_LABEL[hop.token.source]} · ${formatMs(hop.token.acquireMs)}`],
  ];
  return h(
    'div',
    { class: `node node--service node--${hop.flow}`, style: `grid-column: ${column}; grid-row: ${rows}`, 'data-to': hop.to, 'data-depth': depth },
    h('strong', {}, hop.to),
    h(
      'dl',
      {},
      facts
        .filter(([, value]) => value !== undefined && value !== '')
        .flatMap(([name, value, title]) => [h('dt', {}, name), h('dd', { title }, value)]),
    ),
  );
}

/** Shortens GUID-like path segments so a path reads at a glance (`/programmes/6b1f0c2e…/quote`). */
export function shortPath(path: string): string {
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (id) => `${id.slice(0, 8)}…`);
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function statusClass(status: number): string {
  return status < 300 ? 'ok' : status < 500 ? 'warn' : 'bad';
}
