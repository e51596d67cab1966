import type { ChainTrace, HopClaims, HopRecord } from '../../shared/chain-trace';
import { h } from '../ui/dom';
import { chainGeometry, type Measure } from './chain-geometry';
import { chainModel, type DiagramContext, type SpaTokenInfo } from './chain-model';
import { chainSvg } from './chain-svg';
import { measureText } from './text-measure';

export type { DiagramContext, SpaTokenInfo } from './chain-model';
export { shortPath } from './chain-model';

/**
 * One BFF request as the inspector shows it: the SVG of its hops, then every token's decoded claims.
 * Raw tokens never reach the page: the BFF sends claims, and the SPA decodes its own token's claims.
 */
export function chainDiagram(
  trace: ChainTrace,
  ctx: DiagramContext,
  spaToken?: SpaTokenInfo,
  measure: Measure = measureText,
): HTMLElement {
  const svg = chainSvg(chainGeometry(chainModel(trace, ctx, spaToken), measure), trace.correlationId);
  return h(
    'div',
    { class: 'diagram', 'data-correlation-id': trace.correlationId },
    // Scrolls sideways on a small screen: a tab stop, so that the keyboard can scroll it too.
    h(
      'div',
      {
        class: 'diagram__canvas',
        tabindex: 0,
        role: 'region',
        'aria-label': `Call chain of ${trace.method} ${trace.path}`,
      },
      svg,
    ),
    claimsTable(trace, spaToken),
  );
}

const COLUMNS = [
  'aud',
  'scp',
  'roles',
  'azp',
  'oid',
  'idtyp',
  'amr',
  'acrs',
  'tfp',
  'idp',
  'ver',
  'iat',
  'exp',
] as const;

const PROOF_SUFFIX = ' (user proof)';

/** "Decoded claims of the 3 access tokens" (and, with verified delegation, "and 2 user proofs"). */
function summaryOf(tokens: number, proofs: number): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const withProofs = proofs === 0 ? '' : ` and ${plural(proofs, 'user proof')}`;
  return `Decoded claims of the ${plural(tokens, 'access token')}${withProofs}`;
}

function claimsTable(trace: ChainTrace, spaToken?: SpaTokenInfo): HTMLElement {
  const rows: [string, HopClaims][] = [];
  if (spaToken !== undefined) rows.push(['SPA → bff', spaToken.claims]);
  const visit = (hops: readonly HopRecord[]) =>
    hops.forEach((hop) => {
      rows.push([`${hop.from} → ${hop.to}`, hop.token.claims]);
      if (hop.token.delegation !== undefined)
        rows.push([`${hop.from} → ${hop.to}${PROOF_SUFFIX}`, hop.token.delegation]);
      visit(hop.children ?? []);
    });
  visit(trace.hops);
  const proofs = rows.filter(([name]) => name.endsWith(PROOF_SUFFIX)).length;
  // One column per token, one row per claim: a few tokens side by side stay narrow enough to read.
  const present = COLUMNS.filter((c) => rows.some(([, claims]) => claimText(claims, c) !== ''));
  return h(
    'details',
    { class: 'claims' },
    h('summary', {}, summaryOf(rows.length - proofs, proofs)),
    h(
      'div',
      { class: 'claims__scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'claim'),
            rows.map(([name]) => h('th', {}, name)),
          ),
        ),
        h(
          'tbody',
          {},
          present.map((c) =>
            h(
              'tr',
              {},
              h('th', {}, c),
              rows.map(([, claims]) => h('td', {}, claimText(claims, c))),
            ),
          ),
        ),
      ),
    ),
  );
}

function claimText(claims: HopClaims, name: (typeof COLUMNS)[number]): string {
  const value = claims[name];
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'number')
    return name === 'iat' || name === 'exp'
      ? new Date(value * 1000).toISOString().slice(11, 19)
      : String(value);
  return String(value);
}
