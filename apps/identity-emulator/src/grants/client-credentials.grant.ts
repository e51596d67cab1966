import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { grantApplication, parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import type { AppView, TenantView } from '../tenant/directory';
import { ClientAuthMethod, realmOf } from '../tokens/token-factory';

/**
 * `grant_type=client_credentials` (docs/entra-protocol.md#client-credentials): one resource, `/.default` only, `roles` from the
 * client's consented application permissions; no `scope`, `refresh_token` or `id_token` in the response.
 * Only at a tenant: `/common` and `/organizations` name none (AADSTS50059).
 */
export function clientCredentialsGrant(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  if (tenant.authority !== undefined) throw noTenantIdentified();
  const client = authenticateClient(req, tenant, ctx);
  if (client.method === ClientAuthMethod.None) throw credentialRequired();
  const scopes = parseScopes(req.form.get('scope'), ctx.directory, tenant);
  const roles = grantApplication(client.app, scopes);
  const resource = scopes.resource as AppView;
  const realm = realmOf(tenant, req.policy);
  const capabilities = parseClaimsRequest(req.form.get('claims'))?.capabilities;
  const accessToken = ctx.tokens.appAccessToken(realm, client.app, client.method, resource, roles, {
    resourceIdentifier: scopes.resourceIdentifier,
    capabilities,
  });
  if (req.policy !== undefined)
    return { ...b2cTimes(ctx), resource: resource.clientId, access_token: accessToken };
  return {
    token_type: 'Bearer',
    expires_in: ctx.tokens.lifetimeSeconds,
    ext_expires_in: ctx.tokens.lifetimeSeconds,
    access_token: accessToken,
  };
}

/** B2C's response fields (docs/entra-protocol.md#client-credentials): `not_before`, `expires_in`, `expires_on`. */
export function b2cTimes(ctx: EmulatorContext): Record<string, unknown> {
  const now = Math.floor(ctx.nowMs() / 1000);
  const lifetime = ctx.tokens.lifetimeSeconds;
  return { token_type: 'Bearer', not_before: now, expires_in: lifetime, expires_on: now + lifetime };
}

/**
 * AADSTS50059 for an app-only token asked at `/common` or `/organizations` (Entra's text in public reports;
 * the `error` value is not shown there).
 */
export function noTenantIdentified(): EntraError {
  return new EntraError(
    OAuthError.InvalidRequest,
    50059,
    'No tenant-identifying information found in either the request or implied by any provided credentials.',
  );
}

/** A public client (SPA) has no credential, so it cannot use a confidential-client grant. */
export function credentialRequired(): EntraError {
  return new EntraError(
    OAuthError.InvalidClient,
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}
