/** A form of the emulator's login page, as a browser would submit it. */
export interface HtmlForm {
  readonly action: string;
  readonly method: string;
  /** Every named input with its value (hidden `tx` included). */
  readonly fields: Readonly<Record<string, string>>;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the HTML character references a form value may carry. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (match === null) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '');
}

/** The first `<form>` of a page with its named inputs; undefined when the page has none. */
export function parseForm(html: string): HtmlForm | undefined {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form === null) return undefined;
  const openTag = /<form\b[^>]*>/i.exec(form[0])?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[1]?.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name');
    if (name !== undefined) fields[name] = attribute(input, 'value') ?? '';
  }
  return {
    action: attribute(openTag, 'action') ?? '',
    method: (attribute(openTag, 'method') ?? 'get').toLowerCase(),
    fields,
  };
}

/** The `href` of the link `<a id="…">` on a page (e.g. a B2C page's `idp-google.com`), undefined when absent. */
export function linkHref(html: string, id: string): string | undefined {
  for (const tag of html.match(/<a\b[^>]*>/gi) ?? []) {
    if (attribute(tag, 'id') === id) return attribute(tag, 'href');
  }
  return undefined;
}

/** The visible text of an error on the page (e.g. `AADSTS50126: …`, `AADB2C90054: …`), for failure messages. */
export function pageError(html: string): string | undefined {
  const coded = /(?:AADSTS|AADB2C)\d+[^<]*/.exec(html)?.[0];
  if (coded !== undefined) return decodeEntities(coded.trim());
  const alert = /<p class="error"[^>]*>([^<]*)<\/p>/i.exec(html)?.[1];
  if (alert !== undefined) return decodeEntities(alert.trim());
  const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1];
  return title === undefined ? undefined : decodeEntities(title.trim());
}
