import { createHash, randomBytes } from 'node:crypto';

import { type HttpResponse, httpsRequest } from './https-client';
import { CLIENT, type TestEmulator } from './test-emulator';

export interface SignInOptions {
  readonly username: string;
  readonly password: string;
  /** The second-factor code, used only if the emulator asks for it. */
  readonly otp?: string;
  readonly clientId?: string;
  readonly redirectUri?: string;
  readonly scope?: string;
  readonly claims?: string;
  readonly responseMode?: 'query' | 'fragment' | 'form_post';
}

export interface SignInResult {
  readonly code: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly askedForSecondFactor: boolean;
}

/** The value of `<input name="…" value="…">` in an HTML page. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag === undefined ? undefined : /value="([^"]*)"/.exec(tag)?.[1];
}

/** The authorize URL with PKCE S256, state and nonce, as MSAL Browser builds it. */
export function authorizeUrl(
  te: TestEmulator,
  options: SignInOptions,
  pkce: { challenge: string; state: string; nonce: string },
): string {
  const url = new URL(te.url('/oauth2/v2.0/authorize'));
  const params: Record<string, string> = {
    client_id: options.clientId ?? CLIENT.web,
    redirect_uri: options.redirectUri ?? 'http://localhost:8080/',
    response_type: 'code',
    response_mode: options.responseMode ?? 'query',
    scope: options.scope ?? 'api://bff/access_as_user openid profile offline_access',
    state: pkce.state,
    nonce: pkce.nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    client_info: '1',
  };
  if (options.claims !== undefined) params['claims'] = options.claims;
  Object.entries(params).forEach(([k, v]) => url.searchParams.set(k, v));
  return url.toString();
}

/** Extracts code/state/error from a redirect (query or fragment) or a form_post page. */
export function authorizeResult(res: HttpResponse): URLSearchParams {
  if (res.status === 302) {
    const location = new URL(res.headers.location ?? '');
    return location.hash.length > 1 ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
  }
  const fields = [...res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
  return new URLSearchParams(fields.map((m) => [m[1] as string, unescapeHtml(m[2] as string)]));
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** Signs in through the login form over plain HTTP, as a browser would, and returns the authorization code. */
export async function signIn(te: TestEmulator, options: SignInOptions): Promise<SignInResult> {
  const verifier = randomBytes(32).toString('base64url');
  const pkce = {
    challenge: createHash('sha256').update(verifier).digest('base64url'),
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
  };
  const form = await httpsRequest(authorizeUrl(te, options, pkce), te.ca);
  if (form.status !== 200) throw new Error(`authorize answered ${form.status}: ${form.body.slice(0, 200)}`);
  const action = te.url('/oauth2/v2.0/authorize');
  let res = await httpsRequest(action, te.ca, {
    form: { tx: inputValue(form.body, 'tx') ?? '', username: options.username, password: options.password },
  });
  const askedForSecondFactor = res.status === 200 && res.body.includes('name="otp"');
  if (askedForSecondFactor) {
    res = await httpsRequest(action, te.ca, {
      form: { tx: inputValue(res.body, 'tx') ?? '', otp: options.otp ?? '' },
    });
  }
  const result = authorizeResult(res);
  const code = result.get('code');
  if (code === null) throw new Error(`no code: ${result.toString() || res.body.slice(0, 300)}`);
  return {
    code,
    state: result.get('state') ?? '',
    nonce: pkce.nonce,
    verifier,
    redirectUri: options.redirectUri ?? 'http://localhost:8080/',
    askedForSecondFactor,
  };
}

/** Redeems a code at the token endpoint as MSAL Browser does (public client, PKCE). */
export function redeem(
  te: TestEmulator,
  signedIn: SignInResult,
  overrides: Record<string, string> = {},
): Promise<HttpResponse> {
  return httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, {
    headers: { origin: 'http://localhost:8080' },
    form: {
      client_id: CLIENT.web,
      grant_type: 'authorization_code',
      code: signedIn.code,
      redirect_uri: signedIn.redirectUri,
      code_verifier: signedIn.verifier,
      scope: 'api://bff/access_as_user openid profile offline_access',
      client_info: '1',
      ...overrides,
    },
  });
}

/** Signs in as the SPA and returns a user access token for the BFF (the OBO assertion of the chain). */
export async function userTokenForBff(te: TestEmulator, options: SignInOptions): Promise<string> {
  const res = await redeem(te, await signIn(te, options));
  if (res.status !== 200) throw new Error(`redeem failed: ${res.body}`);
  return res.json<{ access_token: string }>().access_token;
}
