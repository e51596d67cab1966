import { RelayPathError } from './relay.errors';

/** Where the relay listens: `/api/relay/<name>/<path...>` (docs/bff-relay.md). */
export const RELAY_PREFIX = '/api/relay';

/** The route name of a downstream: lower case, `_` → `-` (`NOTES` → `notes`, `MY_API` → `my-api`). */
export function relayName(downstream: string): string {
  return downstream.toLowerCase().replace(/_/g, '-');
}

/**
 * The relayed downstreams by route name. The mapping is one-to-one: downstream names are capitals, digits
 * and `_` (bff.config.ts), so no two give the same route name.
 */
export function relayRoutes(relayed: Iterable<string>): ReadonlyMap<string, string> {
  return new Map([...relayed].map((name) => [relayName(name), name]));
}

/** A segment that is, or decodes to, `.`/`..`, or holds a separator once decoded. */
function unsafeSegment(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return true;
  }
  return decoded === '.' || decoded === '..' || /[/\\]/.test(decoded);
}

/**
 * The downstream path and query of a relayed request, from its URL as received (`req.originalUrl`, still
 * percent-encoded): `/api/relay/notes/items/1?x=1` → `/items/1?x=1`. Segments are passed on as the caller
 * encoded them. Refused with 400: `.`/`..` in any spelling (`%2e%2e`; URL resolution would climb out of the
 * downstream's base path), empty segments (`//`), encoded `/` or `\`, a raw `\` (some servers read it as
 * `/`). A trailing `/` is kept.
 *
 * @throws RelayPathError
 */
export function relayedPath(originalUrl: string): string {
  const queryAt = originalUrl.indexOf('?');
  const path = queryAt < 0 ? originalUrl : originalUrl.slice(0, queryAt);
  const query = queryAt < 0 ? '' : originalUrl.slice(queryAt);
  if (!path.startsWith(`${RELAY_PREFIX}/`) || path.includes('\\')) throw new RelayPathError();
  // ['<name>', ...segments]; the name was matched by the route.
  const segments = path
    .slice(RELAY_PREFIX.length + 1)
    .split('/')
    .slice(1);
  const inner = segments.slice(0, -1);
  const last = segments[segments.length - 1] ?? '';
  if (inner.some((s) => s === '' || unsafeSegment(s)) || (last !== '' && unsafeSegment(last)))
    throw new RelayPathError();
  return `/${segments.join('/')}${query}`;
}

/**
 * A downstream's `Location` as the caller can follow it: under the downstream's base URL it becomes
 * `/api/relay/<name>/…` (with its query); anywhere else (another host, outside the base path) it is dropped
 * (`undefined`), so that no internal address reaches the browser.
 *
 * @param location - the header as the downstream sent it (absolute or relative).
 * @param requestUrl - the downstream URL the request went to (a relative `Location` resolves against it).
 */
export function relayedLocation(
  location: string,
  requestUrl: string,
  baseUrl: string,
  name: string,
): string | undefined {
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return undefined;
  }
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (target.origin !== base.origin || !target.pathname.startsWith(base.pathname)) return undefined;
  return `${RELAY_PREFIX}/${name}/${target.pathname.slice(base.pathname.length)}${target.search}`;
}
