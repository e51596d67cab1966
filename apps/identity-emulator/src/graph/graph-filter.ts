import { badRequest } from './graph-error';

/**
 * The `$filter` subset the emulator understands (Microsoft Learn, "Use the $filter query parameter"):
 * clauses joined by `and`, each `property eq 'value'` or, for a collection of strings,
 * `property/any(x:x eq 'value')`. Only the properties listed per resource can be filtered on, as Graph
 * allows filtering only on some properties; anything else is a 400 `Request_UnsupportedQuery`.
 */
export type FilterClause = { property: string; value: string; any: boolean };

const CLAUSE =
  /^\s*(?:([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'|([A-Za-z]+)\/any\(\s*([A-Za-z]\w*)\s*:\s*\4\s+eq\s+'((?:[^']|'')*)'\s*\))\s*$/;

export function parseFilter(text: string | null, allowed: readonly string[]): FilterClause[] {
  if (text === null || text.trim() === '') return [];
  return splitAnd(text).map((part) => {
    const match = CLAUSE.exec(part);
    if (match === null) throw badRequest(`Invalid filter clause: ${part.trim()}`, 'Request_UnsupportedQuery');
    const clause =
      match[1] !== undefined
        ? { property: match[1], value: unescape(match[2] as string), any: false }
        : { property: match[3] as string, value: unescape(match[5] as string), any: true };
    if (!allowed.includes(clause.property))
      throw badRequest(
        `Unsupported or invalid query filter clause specified for property '${clause.property}' of resource.`,
        'Request_UnsupportedQuery',
      );
    return clause;
  });
}

/** Keeps the items every clause matches (`eq` on strings is case-insensitive in directory queries). */
export function applyFilter<T extends object>(items: readonly T[], clauses: readonly FilterClause[]): T[] {
  return items.filter((item) =>
    clauses.every((c) => {
      const value = (item as Record<string, unknown>)[c.property];
      const equal = (v: unknown): boolean =>
        typeof v === 'string' && v.toLowerCase() === c.value.toLowerCase();
      return c.any ? Array.isArray(value) && value.some(equal) : equal(value);
    }),
  );
}

/** Splits on ` and ` outside quoted strings. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    if (!quoted && /^\sand\s/i.test(text.slice(i, i + 5))) {
      parts.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(value: string): string {
  return value.replace(/''/g, "'");
}
