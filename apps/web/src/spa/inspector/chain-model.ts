import { type ChainTrace, Flow, type HopClaims, type HopRecord, TokenSource } from '../../shared/chain-trace';
import { layoutChain } from './chain-layout';

/** The token the SPA sent to the BFF, decoded in the browser (claims only; the token itself is not kept). */
export interface SpaTokenInfo {
  readonly claims: HopClaims;
  /** `true` when MSAL served it from its cache, `false` when it came from the token service. */
  readonly fromCache: boolean;
}

/** What the diagram needs besides the trace: names for client ids and the SPA's own scopes. */
export interface DiagramContext {
  readonly applications: Readonly<Record<string, string>>;
  readonly spaScopes: readonly string[];
}

/** The colour family of a hop: on-behalf-of, client credentials, verified delegation. */
export type HopKind = 'obo' | 'cc' | 'vd';
export type NodeKind = 'spa' | 'bff' | HopKind;
export type ArrowKind = 'user' | HopKind;

/** One `key value` line of a node card; `title` is the tooltip (e.g. the GUID behind an app name). */
export interface Fact {
  readonly key: string;
  readonly value: string;
  readonly title?: string;
}

/** A box of the diagram: a column (0 = SPA, 1 = BFF, 2… = services by call depth) and a span of leaf rows. */
export interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly title: string;
  readonly subtitle?: string;
  readonly facts: readonly Fact[];
  readonly column: number;
  readonly row: number;
  readonly rowSpan: number;
}

/** One call: drawn from the caller's right edge to the callee's left edge, labelled above and below. */
export interface DiagramArrow {
  readonly from: string;
  readonly to: string;
  readonly kind: ArrowKind;
  /** The flow, in the pill: "on-behalf-of", "client credentials", "verified delegation", "user sign-in". */
  readonly flow: string;
  readonly above: readonly string[];
  readonly below: readonly string[];
  /** `data-*` attributes for tests and styling (flow, depth, caller and callee names). */
  readonly data: Readonly<Record<string, string>>;
}

export interface DiagramModel {
  readonly correlationId: string;
  readonly rows: number;
  readonly nodes: readonly DiagramNode[];
  readonly arrows: readonly DiagramArrow[];
}

/** What the pill of a hop says: the flow's name as Microsoft writes it ("On-Behalf-Of"). */
export const FLOW_LABEL: Readonly<Record<Flow, string>> = {
  [Flow.OnBehalfOf]: 'on-behalf-of',
  [Flow.ClientCredentials]: 'client credentials',
  [Flow.VerifiedDelegation]: 'verified delegation',
};

const HOP_KIND: Readonly<Record<Flow, HopKind>> = {
  [Flow.OnBehalfOf]: 'obo',
  [Flow.ClientCredentials]: 'cc',
  [Flow.VerifiedDelegation]: 'vd',
};

/** A flow this SPA does not know yet (a newer BFF) is drawn as its own name, in the app-only colour. */
function hopKind(flow: Flow): HopKind {
  return HOP_KIND[flow] ?? 'cc';
}

const SOURCE_LABEL: Record<TokenSource, string> = {
  [TokenSource.Cache]: 'token: cache',
  [TokenSource.TokenService]: 'token: token service',
  [TokenSource.Refresh]: 'token: refreshed',
};

/**
 * Turns one `/api/chain` trace into boxes and arrows: SPA → BFF → each downstream, and each downstream's
 * own calls (the `children` its `x-chain-trace` header reported). Each card shows the decoded claims of
 * the token its service received; each arrow the flow, the request, its status and time, and where the
 * caller got the token.
 */
export function chainModel(trace: ChainTrace, ctx: DiagramContext, spaToken?: SpaTokenInfo): DiagramModel {
  const layout = layoutChain(trace);
  const all = { row: 1, rowSpan: layout.rows };
  const spaClaims: HopClaims = spaToken?.claims ?? {
    scp: ctx.spaScopes.map((s) => s.split('/').pop() ?? s).join(' '),
  };
  const nodes: DiagramNode[] = [
    { id: 'spa', kind: 'spa', title: 'SPA', subtitle: 'MSAL Browser', facts: [], column: 0, ...all },
    { id: 'bff', kind: 'bff', title: 'bff', facts: claimFacts(spaClaims, ctx), column: 1, ...all },
  ];
  const arrows: DiagramArrow[] = [
    {
      from: 'spa',
      to: 'bff',
      kind: 'user',
      flow: 'user sign-in',
      above: callLines(trace.method, trace.path),
      below: [
        `${trace.status} · ${formatMs(trace.durationMs)}`,
        spaToken === undefined
          ? 'token: MSAL'
          : spaToken.fromCache
            ? 'token: MSAL cache'
            : 'token: token service',
      ],
      data: { flow: 'auth-code', depth: '0', from: 'spa', to: 'bff' },
    },
  ];
  const ids = new Map<HopRecord, string>();
  layout.hops.forEach((placed, index) => ids.set(placed.hop, `hop-${index}`));
  for (const placed of layout.hops) {
    const { hop, parent } = placed;
    const id = ids.get(hop) ?? '';
    nodes.push({
      id,
      kind: hopKind(hop.flow),
      title: serviceName(hop, ctx),
      facts: [...claimFacts(hop.token.claims, ctx), ...proofFacts(hop.token.delegation)],
      column: placed.depth + 1,
      row: placed.row,
      rowSpan: placed.rowSpan,
    });
    const from =
      parent === undefined
        ? { id: 'bff', name: 'bff' }
        : { id: ids.get(parent) ?? '', name: serviceName(parent, ctx) };
    arrows.push(hopArrow(hop, from, { id, name: serviceName(hop, ctx) }, placed.depth));
  }
  return { correlationId: trace.correlationId, rows: layout.rows, nodes, arrows };
}

interface End {
  readonly id: string;
  readonly name: string;
}

function hopArrow(hop: HopRecord, from: End, to: End, depth: number): DiagramArrow {
  return {
    from: from.id,
    to: to.id,
    kind: hopKind(hop.flow),
    flow: FLOW_LABEL[hop.flow] ?? hop.flow,
    above: callLines(hop.method, hop.path),
    below: [
      `${hop.status} · ${formatMs(hop.durationMs)}`,
      `${SOURCE_LABEL[hop.token.source]} · ${formatMs(hop.token.acquireMs)}`,
    ],
    data: { flow: hop.flow, depth: String(depth), from: from.name, to: to.name, downstream: hop.to },
  };
}

/**
 * The callee's application name: callers may record a hop under their own name for the downstream
 * (`PROGRAM`, as in `DOWNSTREAM_APIS__PROGRAM__*`), so the token's audience decides when it is known.
 */
function serviceName(hop: HopRecord, ctx: DiagramContext): string {
  const aud = firstAudience(hop.token.claims.aud);
  const byAudience =
    aud === undefined ? undefined : (ctx.applications[aud] ?? /^api:\/\/([^/]+)/.exec(aud)?.[1]);
  if (byAudience !== undefined) return byAudience;
  const known = Object.values(ctx.applications);
  const guess = `${hop.to.toLowerCase().replace(/_/g, '-')}-service`;
  return known.includes(hop.to) ? hop.to : known.includes(guess) ? guess : hop.to;
}

/** A token's audience: `aud` is a string or, in some tokens, a list (RFC 7519 §4.1.3); its first entry names the API. */
function firstAudience(aud: string | readonly string[] | undefined): string | undefined {
  return typeof aud === 'string' ? aud : aud?.[0];
}

/** The claims that say who is calling and with what: audience, scopes or roles, caller, user factors. */
function claimFacts(claims: HopClaims, ctx: DiagramContext): Fact[] {
  const facts: Fact[] = [];
  const add = (key: string, value: string | undefined, title?: string) => {
    if (value !== undefined && value !== '')
      facts.push({ key, value, ...(title === undefined ? {} : { title }) });
  };
  const aud = firstAudience(claims.aud);
  const auds = typeof claims.aud === 'string' ? claims.aud : claims.aud?.join(' ');
  add('aud', aud === undefined ? undefined : (ctx.applications[aud] ?? auds), auds);
  add('scp', claims.scp);
  add('roles', claims.roles?.join(' '));
  add('azp', claims.azp === undefined ? undefined : (ctx.applications[claims.azp] ?? claims.azp), claims.azp);
  add('idtyp', claims.idtyp);
  add('amr', claims.amr?.join(' '));
  add('acrs', claims.acrs?.join(' '));
  add('tfp', claims.tfp);
  add('idp', claims.idp);
  return facts;
}

/**
 * Verified delegation: what the proof says about the user, beside the app token's claims (`user scp` = the
 * delegated scopes the callee applies, `user amr` / `user tfp` = how the user signed in).
 */
function proofFacts(proof: HopClaims | undefined): Fact[] {
  if (proof === undefined) return [];
  const facts: [string, string | undefined][] = [
    ['user scp', proof.scp],
    ['user roles', proof.roles?.join(' ')],
    ['user amr', proof.amr?.join(' ')],
    ['user acrs', proof.acrs?.join(' ')],
    ['user tfp', proof.tfp],
    ['user idp', proof.idp],
  ];
  return facts.flatMap(([key, value]) => (value === undefined || value === '' ? [] : [{ key, value }]));
}

/** Longest call line, in characters (monospace): longer paths wrap at a `/`, so arrows stay short. */
const CALL_LINE_CHARS = 27;

/** `METHOD /short/path` on one line, or on several broken before a `/` when it is long. */
export function callLines(method: string, path: string): string[] {
  const lines: string[] = [];
  let line = method;
  for (const segment of shortPath(path).split(/(?=\/)/)) {
    const sep = line === method ? ' ' : '';
    if (line !== method && line.length + segment.length > CALL_LINE_CHARS) {
      lines.push(line);
      line = segment;
    } else line += sep + segment;
  }
  lines.push(line);
  return lines;
}

/** Shortens GUID-like path segments so a path reads at a glance (`/programmes/6b1f…/quote`). */
export function shortPath(path: string): string {
  return path.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (id) => `${id.slice(0, 4)}…`,
  );
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
