import { isMap, isNode, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Text edits at the ends of YAML collections, computed from the nodes' ranges of a parsed `Document`, so
 * that every other byte of the file (comments, blank lines, `[flow]` and `{ flow }` spacing, quotes) stays
 * as it was: re-serialising the whole document would reformat it.
 */

/** Where a block sequence's item ends: the start of the line after its last value. */
export function endOfNode(text: string, node: unknown): number {
  const valueEnd = isNode(node) ? node.range?.[1] : undefined;
  if (valueEnd === undefined) throw new Error('yaml node without a range');
  if (valueEnd > 0 && text[valueEnd - 1] === '\n') return valueEnd;
  const newline = text.indexOf('\n', valueEnd);
  return newline < 0 ? text.length : newline + 1;
}

/** The column of the first item of a block sequence's dash (`  - name:` → 2). */
export function dashColumn(text: string, seq: YAMLSeq): number {
  const first = seq.items[0] as Node | undefined;
  const start = first?.range?.[0];
  if (start === undefined) throw new Error('cannot place an item in an empty sequence');
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  // The item's content starts after "- ", so the dash is two columns before it.
  return start - lineStart - 2;
}

/** The column of a block map's keys. */
export function keyColumn(text: string, map: YAMLMap): number {
  const start = (map.items[0]?.key as Node | undefined)?.range?.[0];
  if (start === undefined) throw new Error('cannot place a key in an empty map');
  return start - (text.lastIndexOf('\n', start - 1) + 1);
}

/** Inserts `insertion` at `offset`, putting a newline before it when the text does not end in one there. */
export function insertAt(text: string, offset: number, insertion: string): string {
  const before = text.slice(0, offset);
  const glue = before.length > 0 && !before.endsWith('\n') ? '\n' : '';
  return `${before}${glue}${insertion}${text.slice(offset)}`;
}

/** `node` as a block sequence, or an error naming `what`. */
export function blockSeq(node: unknown, what: string): YAMLSeq {
  if (!isSeq(node) || node.flow === true) throw new Error(`${what} is not a block sequence`);
  return node;
}

/** `node` as a block map, or an error naming `what`. */
export function blockMap(node: unknown, what: string): YAMLMap {
  if (!isMap(node) || node.flow === true) throw new Error(`${what} is not a block map`);
  return node;
}

/**
 * A one-line YAML scalar for `value`: plain when YAML reads it back as the same string (`api://x`,
 * `Notes.ReadWrite`, a sentence without `: ` or ` #`; commas and quotes only outside a flow collection), else
 * quoted.
 */
export function scalar(value: string | number | boolean, context: 'block' | 'flow' = 'block'): string {
  if (typeof value !== 'string') return String(value);
  const chars =
    context === 'block' ? /^[A-Za-z0-9][A-Za-z0-9 ._/()+:,;'-]*$/ : /^[A-Za-z0-9][A-Za-z0-9 ._/()+:-]*$/;
  const plain =
    chars.test(value) &&
    !/[\s:]$/.test(value) &&
    !value.includes(': ') &&
    !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value) &&
    !/^[0-9.+-]+$/.test(value);
  return plain ? value : JSON.stringify(value);
}

/** A flow sequence of scalars, as the registrations files write them: `[a, b]`. */
export function flowList(values: readonly string[]): string {
  return `[${values.map((v) => scalar(v, 'flow')).join(', ')}]`;
}
