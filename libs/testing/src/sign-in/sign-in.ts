import type { ApplicationRegistration, UserRegistration } from '@chain/local-tenant';

import { formPost, harnessRequest, type HarnessResponse } from '../http/http-request';
import { decodeClaims } from '../tokens/decode-claims';
import { FormBrowser } from './browser';
import { linkHref, pageError, parseForm } from './html-form';
import { authorityOf, defaultScopes, findClient, findUser, type IdentityTarget } from './identity-target';
import { createPkce, type Pkce, randomValue } from './pkce';
import { SignedIn } from './signed-in';

/** Options of {@link signIn}. */
export interface SignInOptions {
  /**
   * Scopes beyond `openid profile offline_access`. Default: the client's first delegated permission in the
   * registrations (for the SPA: the BFF's `access_as_user`, e.g. `api://bff/access_as_user`).
   */
  readonly scopes?: readonly string[];
  /** A claims request (JSON, decoded from a claims challenge), e.g. for step-up to auth context c1. */
  readonly claims?: string;
  /** Second-factor code if asked. Default: the user's demo code from the registrations. */
  readonly otp?: string;
  /** Default: the user's demo password from the registrations. */
  readonly password?: string;
  /** Registration name of the client signing in. Default `web` (the SPA). */
  readonly client?: string;
  /** Default: the client's first redirect URI (`http://localhost:8080/`). */
  readonly redirectUri?: string;
  /**
   * B2C: the user flow to sign in through (e.g. the MFA flow `B2C_1_signin_mfa`). Default: the tenant's
   * sign-in user flow. Ignored for the other tenant kinds, whose paths have no user flow.
   */
  readonly policy?: string;
  /**
   * B2C: sign in through this social identity provider (its "Sign in with …" link, then the emulator's
   * stand-in page for it). Default: the user's own `identityProvider`; local accounts use the local form.
   */
  readonly identityProvider?: string;
}

export { findUser, type IdentityTarget } from './identity-target';

const MAX_PAGES = 6;

/**
 * Signs a user in as the SPA would: authorization code + PKCE (RFC 7636) through the emulator's login form
 * (password, then the second factor when asked), then redeems the code at the token endpoint with the
 * SPA's origin. TLS is verified against the emulator's CA. On a B2C tenant it uses a user flow's path
 * (`options.policy`, default the sign-in flow), and a social account signs in through its identity provider.
 *
 * @param user `alice` or a full username.
 */
export async function signIn(
  target: IdentityTarget,
  user: string,
  options: SignInOptions = {},
): Promise<SignedIn> {
  const account = findUser(target.registrations, user);
  const client = findClient(target.registrations, options.client ?? 'web');
  const redirectUri = options.redirectUri ?? client.redirectUris[0];
  if (redirectUri === undefined) throw new Error(`signIn: ${client.name} has no redirect URI`);
  const pkce = createPkce();
  const state = randomValue();
  const scope = [
    'openid',
    'profile',
    'offline_access',
    ...(options.scopes ?? defaultScopes(target.registrations, client)),
  ].join(' ');
  const authority = authorityOf(target, options.policy);
  const browser = new FormBrowser(target.caPem);
  const authorize = authorizeUrl(authority, {
    client,
    redirectUri,
    scope,
    state,
    pkce,
    account,
    claims: options.claims,
  });
  const code = await driveLoginPages(browser, await browser.get(authorize), {
    account,
    options,
    redirectUri,
    state,
    identityProvider: options.identityProvider ?? account.identityProvider,
  });
  const tokens = await redeemCode(target, authority, { client, redirectUri, scope, code, pkce });
  return new SignedIn(
    tokens.access,
    tokens.id,
    tokens.refresh,
    tokens.expiresIn,
    tokens.scope,
    decodeClaims(tokens.access),
  );
}

interface AuthorizeParams {
  readonly client: ApplicationRegistration;
  readonly redirectUri: string;
  readonly scope: string;
  readonly state: string;
  readonly pkce: Pkce;
  readonly account: UserRegistration;
  readonly claims: string | undefined;
}

function authorizeUrl(authority: string, p: AuthorizeParams): string {
  const url = new URL(`${authority}/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: p.client.clientId,
    response_type: 'code',
    redirect_uri: p.redirectUri,
    scope: p.scope,
    state: p.state,
    nonce: randomValue(),
    code_challenge: p.pkce.challenge,
    code_challenge_method: 'S256',
    response_mode: 'query',
    login_hint: p.account.username,
    ...(p.claims === undefined ? {} : { claims: p.claims }),
  }).toString();
  return url.href;
}

interface LoginContext {
  readonly account: UserRegistration;
  readonly options: SignInOptions;
  readonly redirectUri: string;
  readonly state: string;
  /** B2C: the social identity provider to choose on the sign-in page. */
  readonly identityProvider: string | undefined;
}

/**
 * Follows the emulator's pages (B2C: the social identity provider's link, then its page; password form,
 * second-factor form, redirects) until it redirects to the app.
 */
async function driveLoginPages(
  browser: FormBrowser,
  first: HarnessResponse,
  ctx: LoginContext,
): Promise<string> {
  let res = first;
  let passwordSent = false;
  let providerChosen = ctx.identityProvider === undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const location = res.headers.location;
    if (location !== undefined && res.status >= 300 && res.status < 400) {
      const next = new URL(location, browser.url).href;
      if (next.startsWith(ctx.redirectUri)) return codeFrom(next, ctx.state);
      res = await browser.get(next);
      continue;
    }
    if (!providerChosen && res.status === 200) {
      providerChosen = true;
      res = await browser.get(identityProviderLink(browser, res, ctx));
      continue;
    }
    const form = res.status === 200 ? parseForm(res.text()) : undefined;
    if (form === undefined) throw loginError(ctx, `the emulator answered ${res.status}`, res);
    if ('otp' in form.fields) {
      res = await browser.submit(form, { otp: ctx.options.otp ?? ctx.account.mfa?.code ?? '' });
    } else if ('password' in form.fields) {
      if (passwordSent) throw loginError(ctx, 'the password was refused', res);
      passwordSent = true;
      res = await browser.submit(form, {
        username: ctx.account.username,
        password: ctx.options.password ?? ctx.account.password,
      });
    } else {
      throw loginError(ctx, 'the page has neither a password nor a second-factor form', res);
    }
  }
  throw loginError(ctx, `no redirect to the app after ${MAX_PAGES} pages`, res);
}

/** The B2C sign-in page's "Sign in with <provider>" link, resolved against the page's URL. */
function identityProviderLink(browser: FormBrowser, res: HarnessResponse, ctx: LoginContext): string {
  const href = linkHref(res.text(), `idp-${ctx.identityProvider ?? ''}`);
  if (href === undefined)
    throw loginError(ctx, `the sign-in page offers no identity provider ${ctx.identityProvider}`, res);
  return new URL(href, browser.url).href;
}

function loginError(ctx: LoginContext, what: string, res: HarnessResponse): Error {
  const detail = pageError(res.text());
  return new Error(
    `sign-in of ${ctx.account.username}: ${what}${detail === undefined ? '' : ` (${detail})`}`,
  );
}

/** The `code` of the redirect to the app (query or fragment), after checking `state` (RFC 6749 §10.12). */
function codeFrom(redirect: string, state: string): string {
  const url = new URL(redirect);
  const params =
    url.searchParams.has('code') || url.searchParams.has('error')
      ? url.searchParams
      : new URLSearchParams(url.hash.slice(1));
  const error = params.get('error');
  if (error !== null)
    throw new Error(
      `sign-in: the emulator redirected with ${error}: ${params.get('error_description') ?? ''}`,
    );
  if (params.get('state') !== state) throw new Error('sign-in: the redirect carried another state');
  const code = params.get('code');
  if (code === null) throw new Error('sign-in: the redirect carried no code');
  return code;
}

interface RedeemParams {
  readonly client: ApplicationRegistration;
  readonly redirectUri: string;
  readonly scope: string;
  readonly code: string;
  readonly pkce: Pkce;
}

interface TokenSet {
  readonly access: string;
  readonly id: string | undefined;
  readonly refresh: string | undefined;
  readonly expiresIn: number;
  readonly scope: string;
}

/**
 * Redeems the code as the client type does: a SPA by a cross-origin POST (with `Origin`, as Entra requires:
 * AADSTS9002327), any other public client without one (AADSTS9002326); `code_verifier`, no client secret.
 */
async function redeemCode(target: IdentityTarget, authority: string, p: RedeemParams): Promise<TokenSet> {
  const { body, headers } = formPost({
    client_id: p.client.clientId,
    grant_type: 'authorization_code',
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.pkce.verifier,
    scope: p.scope,
  });
  const res = await harnessRequest(`${authority}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: target.caPem,
    body,
    headers: p.client.type === 'spa' ? { ...headers, origin: new URL(p.redirectUri).origin } : headers,
  });
  const json = res.json<Record<string, unknown>>();
  if (res.status !== 200 || typeof json['access_token'] !== 'string') {
    throw new Error(
      `sign-in: code redemption failed with ${res.status} ${String(json['error'])}: ${String(json['error_description'])}`,
    );
  }
  return {
    access: json['access_token'],
    id: typeof json['id_token'] === 'string' ? json['id_token'] : undefined,
    refresh: typeof json['refresh_token'] === 'string' ? json['refresh_token'] : undefined,
    expiresIn: Number(json['expires_in']),
    scope: typeof json['scope'] === 'string' ? json['scope'] : '',
  };
}
