import { TenantKind } from '@chain/local-tenant';
import { decode, verify } from 'jsonwebtoken';

import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import { type AppView, type TenantView } from '../tenant/directory';
import { ClientAuthMethod, type UserSubject, v1Issuer } from '../tokens/token-factory';
import { credentialRequired } from './client-credentials.grant';
import { issueUserTokens } from './user-token-response';

/**
 * On-behalf-of (`jwt-bearer` + `requested_token_use=on_behalf_of`, docs/entra-protocol.md#on-behalf-of): the assertion must be
 * a user access token (v2 or v1) this tenant signed, within its lifetime, addressed to the calling app; the
 * new token keeps the user (oid, name, amr, acrs), gets `azp` = the caller and the consented scopes. At
 * `/organizations` or `/common` it is issued in the user's tenant (the assertion's `tid`): Microsoft's
 * MSAL.NET guidance says those authorities give "the user's home tenant".
 */
export function onBehalfOfGrant(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  if (req.form.get('requested_token_use') !== 'on_behalf_of') {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'requested_token_use'.",
    );
  }
  const client = authenticateClient(req, tenant, ctx);
  if (client.method === ClientAuthMethod.None) throw credentialRequired();
  const assertion = req.form.get('assertion');
  if (assertion === null || assertion === '') {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'assertion'.",
    );
  }
  const claims = parseClaimsRequest(req.form.get('claims'));
  const payload = verifySignatureAndLifetime(assertion, ctx);
  const userTenant = tenant.authority === undefined ? tenant : tenantOfAssertion(payload, ctx);
  const user = verifyUserAssertion(payload, client.app, userTenant, ctx);
  const scopes = parseScopes(req.form.get('scope'), ctx.directory, userTenant);
  if (scopes.resource === undefined) {
    throw new EntraError(
      OAuthError.InvalidScope,
      70011,
      "The provided value for the input parameter 'scope' is not valid. The On-Behalf-Of flow needs a resource scope.",
    );
  }
  return issueUserTokens(
    {
      tenant: userTenant,
      client: client.app,
      clientAuth: client.method,
      scopes,
      user,
      claims,
      clientInfoRequested: req.form.get('client_info') === '1',
    },
    ctx,
  );
}

/** The registered tenant named by an assertion's `tid` (asked at `/organizations` or `/common`). */
function tenantOfAssertion(payload: Record<string, unknown>, ctx: EmulatorContext): TenantView {
  const tid = typeof payload['tid'] === 'string' ? payload['tid'] : '';
  const tenant = ctx.directory.tenant(tid);
  if (tenant === undefined || tenant.authority !== undefined)
    throw invalidAssertion('Assertion is not issued by a tenant of this emulator.');
  return tenant;
}

/** The tenant's v2 issuer, and in an Entra tenant its v1 issuer (`https://sts.windows.net/<tid>/`). */
function acceptedIssuers(tenant: TenantView, ctx: EmulatorContext): string[] {
  const v2 = ctx.issuerFor(tenant.id);
  return tenant.kind === TenantKind.Entra ? [v2, v1Issuer(tenant.id)] : [v2];
}

/** The caller's client id, or one of its App ID URIs (v1 tokens may carry a trailing slash). */
function addressedTo(caller: AppView, audience: string): boolean {
  const uri = audience.replace(/\/$/, '');
  return audience === caller.clientId || caller.reg.identifierUris.some((u) => u.replace(/\/$/, '') === uri);
}

function verifyUserAssertion(
  payload: Record<string, unknown>,
  caller: AppView,
  tenant: TenantView,
  ctx: EmulatorContext,
): UserSubject {
  const issuers = acceptedIssuers(tenant, ctx);
  if (!issuers.includes(String(payload['iss'])) || payload['tid'] !== tenant.id) {
    throw invalidAssertion(`Assertion is not issued by this tenant. Expected issuer '${issuers[0] ?? ''}'.`);
  }
  const audience = typeof payload['aud'] === 'string' ? payload['aud'] : '';
  if (!addressedTo(caller, audience)) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      500131,
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audience}' and the expected audience is '${caller.clientId}' or one of the Application Uris of this application with App ID '${caller.clientId}'(${caller.reg.displayName}). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.`,
    );
  }
  // [unverified] Entra's exact error for an app-only assertion is not documented (docs/entra-protocol.md#unverified-points).
  if (
    payload['idtyp'] === 'app' ||
    typeof payload['scp'] !== 'string' ||
    typeof payload['oid'] !== 'string'
  ) {
    throw invalidAssertion(
      'The assertion is an app-only token. The On-Behalf-Of flow only works for user principals.',
    );
  }
  const country = ctx.directory.userByOid(payload['oid'])?.country;
  return {
    oid: payload['oid'],
    name: typeof payload['name'] === 'string' ? payload['name'] : '',
    username: firstString(payload, ['preferred_username', 'upn', 'unique_name']) ?? '',
    amr: stringArray(payload['amr']),
    acrs: stringArray(payload['acrs']),
    ...(country === undefined ? {} : { country }),
  };
}

/** v2 tokens name the user by `preferred_username`, v1 tokens by `upn` / `unique_name`. */
function firstString(payload: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = payload[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function verifySignatureAndLifetime(assertion: string, ctx: EmulatorContext): Record<string, unknown> {
  const decoded = decode(assertion, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string')
    throw invalidAssertion('Assertion is not a valid JWT.');
  const key = ctx.keys.verificationKey(decoded.header.kid ?? '');
  if (key === undefined)
    throw invalidAssertion('Assertion failed signature validation. [Reason - The key was not found.]');
  try {
    return verify(assertion, key.publicKey, {
      algorithms: ['RS256'],
      clockTimestamp: Math.floor(ctx.nowMs() / 1000),
    }) as Record<string, unknown>;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TokenExpiredError' || name === 'NotBeforeError') {
      throw new EntraError(
        OAuthError.InvalidGrant,
        500133,
        'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.',
      );
    }
    throw invalidAssertion('Assertion failed signature validation.');
  }
}

function invalidAssertion(message: string): EntraError {
  return new EntraError(OAuthError.InvalidGrant, 50013, message);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
