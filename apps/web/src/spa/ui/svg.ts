const SVG_NS = 'http://www.w3.org/2000/svg';

type SvgAttrs = Record<string, string | number | undefined>;

/** An SVG element with attributes and children (the SVG sibling of `h`); text is always escaped. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs = {},
  ...children: (SVGElement | string | undefined)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== undefined) el.append(child);
  }
  return el;
}
