/** The SPA's addresses (History API): the list, and one programme (a link that can be shared or reloaded). */
export type Route = { readonly kind: 'home' } | { readonly kind: 'programme'; readonly id: string };

const PROGRAMME = /^\/programmes\/([^/]+)\/?$/;

export function routeOf(pathname: string): Route {
  const match = PROGRAMME.exec(pathname);
  if (match === null) return { kind: 'home' };
  try {
    const id = decodeURIComponent(match[1] ?? '');
    return id === '' ? { kind: 'home' } : { kind: 'programme', id };
  } catch {
    return { kind: 'home' };
  }
}

export function pathOf(route: Route): string {
  return route.kind === 'home' ? '/' : `/programmes/${encodeURIComponent(route.id)}`;
}
