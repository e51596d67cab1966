import type { IncomingHttpHeaders } from 'node:http';

/** The cookies of one origin, as a fresh browser profile keeps them during a sign-in. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(headers: IncomingHttpHeaders): void {
    for (const cookie of headers['set-cookie'] ?? []) {
      const pair = cookie.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** The `cookie` request header, or nothing when the jar is empty. */
  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }
}
