import type { EmulatorContext } from '../emulator-context';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { grantDelegated, parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import type { AppView, TenantView } from '../tenant/directory';
import { type AuthorizeParams, ResponseMode } from './login-transactions';

/** A request that must not be redirected: answered with a 400 page (unknown client, unregistered redirect URI). */
export class AuthorizePageError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

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
  const client = ctx.directory.app(clientId);
  if (client === undefined || !tenant.apps.includes(client)) {
    throw new AuthorizePageError(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.reg.name}'.`,
    );
  }
  const redirectUri = input.get('redirect_uri') ?? '';
  if (!client.reg.redirectUris.includes(redirectUri)) {
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
  checkProtocol(input, params, client, mode);
  checkScopes(params, client, tenant, ctx);
  return { params, client, promptNone: input.get('prompt') === 'none' };
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
  if (client.isPublic && params.codeChallenge === undefined) {
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
    const scopes = parseScopes(params.scope, ctx.directory, tenant.reg.name);
    if (scopes.resource !== undefined) grantDelegated(client, scopes);
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    const name = error.options.suberror === 'consent_required' ? OAuthError.ConsentRequired : error.error;
    throw new AuthorizeRedirectError(params, name, error.message);
  }
}
