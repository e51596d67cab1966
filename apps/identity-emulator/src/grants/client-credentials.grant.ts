import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { grantApplication, parseScopes } from '../oauth/scopes';
import type { AppView, TenantView } from '../tenant/directory';
import { ClientAuthMethod } from '../tokens/token-factory';

/**
 * `grant_type=client_credentials` (ENTRA.md §3): one resource, `/.default` only, `roles` from the
 * client's consented application permissions; no `scope`, `refresh_token` or `id_token` in the response.
 */
export function clientCredentialsGrant(req: EmulatorRequest, tenant: TenantView, ctx: EmulatorContext): Record<string, unknown> {
  const client = authenticateClient(req, tenant, ctx);
  if (client.method === ClientAuthMethod.None) throw credentialRequired();
  const scopes = parseScopes(req.form.get('scope'), ctx.directory, tenant.reg.name);
  const roles = grantApplication(client.app, scopes);
  const resource = scopes.resource as AppView;
  return {
    token_type: 'Bearer',
    expires_in: ctx.tokens.lifetimeSeconds,
    ext_expires_in: ctx.tokens.lifetimeSeconds,
    access_token: ctx.tokens.appAccessToken(tenant.id, client.app, client.method, resource, roles),
  };
}

/** A public client (SPA) has no credential, so it cannot use a confidential-client grant. */
export function credentialRequired(): EntraError {
  return new EntraError(OAuthError.InvalidClient, 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
}
