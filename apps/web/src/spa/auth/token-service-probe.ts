/** Whether the browser can reach the token service: `ok`, or `unreachable` (down, or its certificate is untrusted). */
export type TokenServiceState = 'checking' | 'ok' | 'unreachable';

/**
 * The OpenID configuration document of `authority`, the first thing MSAL fetches when the user signs in.
 * A browser says nothing to a page about why a `fetch` failed, so a token service that is down and one
 * whose certificate the browser does not trust look the same here: both are `unreachable`, and the page
 * shows what to do for each (docs/web.md, "Trusting the local token service").
 */
export function openIdConfigurationUrl(authority: string): string {
  return `${authority.replace(/\/+$/, '')}/v2.0/.well-known/openid-configuration`;
}

export async function probeTokenService(
  authority: string,
  timeoutMs = 8000,
  fetcher: typeof fetch = fetch,
): Promise<TokenServiceState> {
  try {
    const res = await fetcher(openIdConfigurationUrl(authority), {
      mode: 'cors',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? 'ok' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
