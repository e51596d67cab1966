import type { EmulatorContext } from '../emulator-context';
import { notMultiTenant } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { grantDelegated, parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import { type AppView, MultiTenantAuthority, type TenantView } from '../tenant/directory';
import { type AuthorizeParams, ResponseMode } from './login-transactions';

/**
 * A request that must not be redirected: answered with a 400 page (unknown client, unregistered redirect URI).
 * `code` undefined: a page whose message carries no AADSTS code.
 */
export class AuthorizePageError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What personal-account sign-in shows for an app not enabled for personal accounts (public reports): every
 * app here is, since personal Microsoft accounts are not modelled.
 */
const NOT_FOR_CONSUMERS =
  'unauthorized_client: The client does not exist or is not enabled for consumers. If you are the application developer, configure a new application through the App Registrations in the Azure Portal at https://go.microsoft.com/fwlink/?linkid=2083908.';

/** An error reported to the client at its redirect URI (RFC 6749 §4.1.2.1). */
export class AuthorizeRedirectError extends Error {
  constructor(
    readonly params: AuthorizeParams,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Validates an authorize request in Entra's order: client, redirect URI (never redirected), then the rest. */
export function parseAuthorizeRequest(
  input: URLSearchParams,
  tenant: TenantView,
  ctx: EmulatorContext,
): { params: AuthorizeParams; client: AppView; promptNone: boolean } {
  const clientId = input.get('client_id') ?? '';
  if (tenant.authority === MultiTenantAuthority.Consumers)
    throw new AuthorizePageError(undefined, NOT_FOR_CONSUMERS);
  const client =
    ctx.directory.appIn(tenant, clientId) ??
    (tenant.authority === undefined ? undefined : ctx.directory.app(clientId));
  if (client === undefined) {
    throw new AuthorizePageError(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.reg.name}'.`,
    );
  }
  const redirectUri = input.get('redirect_uri') ?? '';
  if (!redirectUriRegistered(client, redirectUri)) {
    throw new AuthorizePageError(
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`,
    );
  }
  const mode = input.get('response_mode') ?? ResponseMode.Query;
  const params: AuthorizeParams = {
    clientId: client.clientId,
    redirectUri,
    responseMode: (Object.values(ResponseMode) as string[]).includes(mode)
      ? (mode as ResponseMode)
      : ResponseMode.Query,
    scope: input.get('scope') ?? '',
    state: input.get('state') ?? undefined,
    nonce: input.get('nonce') ?? undefined,
    codeChallenge: input.get('code_challenge') ?? undefined,
    claims: input.get('claims') ?? undefined,
    loginHint: input.get('login_hint') ?? undefined,
    clientInfo: input.get('client_info') === '1',
  };
  // A single-tenant app at /organizations or /common: reported at its (registered) redirect URI.
  if (!client.multiTenant && tenant.authority !== undefined)
    throw new AuthorizeRedirectError(params, OAuthError.InvalidRequest, notMultiTenant(client).message);
  checkProtocol(input, params, client, mode);
  checkScopes(params, client, tenant, ctx);
  return { params, client, promptNone: input.get('prompt') === 'none' };
}

/**
 * The redirect URI is registered for the client. A "mobile and desktop" client's loopback URI matches on any
 * port (RFC 8252 §7.3; Microsoft Learn, "Redirect URI (reply URL) best practices and limitations": the port
 * of a localhost redirect URI is ignored), which is what msal-node's interactive sign-in relies on.
 */
export function redirectUriRegistered(client: AppView, candidate: string): boolean {
  if (client.reg.redirectUris.includes(candidate)) return true;
  if (client.reg.type !== 'public') return false;
  const given = loopback(candidate);
  return given !== undefined && client.reg.redirectUris.some((r) => loopback(r) === given);
}

/** `http://localhost/path` of a loopback URL without its port, else undefined. */
function loopback(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
      return undefined;
    return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

function checkProtocol(input: URLSearchParams, params: AuthorizeParams, client: AppView, mode: string): void {
  const fail = (code: number, error: string, text: string): never => {
    throw new AuthorizeRedirectError(params, error, `AADSTS${code}: ${text}`);
  };
  if (!(Object.values(ResponseMode) as string[]).includes(mode))
    fail(900144, 'invalid_request', `The response_mode '${mode}' is not supported.`);
  if (input.get('response_type') !== 'code') {
    fail(
      700054,
      'unsupported_response_type',
      `response_type '${input.get('response_type') ?? ''}' is not enabled for the application.`,
    );
  }
  const method = input.get('code_challenge_method');
  if (params.codeChallenge !== undefined && method !== 'S256') {
    fail(900144, 'invalid_request', "The emulator supports only code_challenge_method 'S256'.");
  }
  // A SPA must use PKCE; a "mobile and desktop" client should, but Entra does not require it.
  if (client.isSpa && params.codeChallenge === undefined) {
    fail(
      9002325,
      'invalid_request',
      'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
    );
  }
}

function checkScopes(
  params: AuthorizeParams,
  client: AppView,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  try {
    parseClaimsRequest(params.claims);
    const scopes = parseScopes(params.scope, ctx.directory, tenant);
    if (scopes.resource !== undefined) grantDelegated(client, scopes);
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    const name = error.options.suberror === 'consent_required' ? OAuthError.ConsentRequired : error.error;
    throw new AuthorizeRedirectError(params, name, error.message);
  }
}
