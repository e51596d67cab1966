import type { AppView, Directory, TenantView } from '../tenant/directory';
import { EntraError, OAuthError } from './entra-error';

/** OpenID Connect scopes: they shape the response (id_token, refresh_token), never land in `scp`. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'] as const;
export const DEFAULT_PERMISSION = '.default';
const GRAPH = 'https://graph.microsoft.com';

/** The `scope` parameter split into OIDC scopes and the permissions asked of one resource. */
export interface ScopeRequest {
  readonly oidc: ReadonlySet<string>;
  /** The resource as it was named (`api://program-service` or its client id); undefined when only OIDC scopes were asked. */
  readonly resourceIdentifier?: string;
  readonly resource?: AppView;
  /** Permission values asked (`Program.Read`, or `.default`). */
  readonly permissions: readonly string[];
}

/**
 * Splits and resolves `scope`. Every non-OIDC scope is `<resource>/<permission>`; a bare value means
 * Microsoft Graph, as in Entra. One resource per request (AADSTS28000), the resource must exist in the
 * tenant (AADSTS500011): registered there, or a multi-tenant app.
 */
export function parseScopes(scope: string | null, directory: Directory, tenant: TenantView): ScopeRequest {
  const values = (scope ?? '').split(' ').filter((s) => s.length > 0);
  if (values.length === 0) {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  const oidc = new Set(values.filter((v) => (OIDC_SCOPES as readonly string[]).includes(v.toLowerCase())));
  const rest = values.filter((v) => !oidc.has(v));
  if (rest.length === 0) return { oidc, permissions: [] };
  const split = rest.map(splitScope);
  const identifiers = [...new Set(split.map((s) => s.resource.toLowerCase()))];
  if (identifiers.length > 1) {
    throw new EntraError(
      OAuthError.InvalidScope,
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${rest.join(' ')} is not valid.`,
    );
  }
  const resourceIdentifier = (split[0] as { resource: string }).resource;
  const resource = directory.resourceIn(tenant, resourceIdentifier);
  if (resource === undefined) throw resourceNotFound(resourceIdentifier, tenant.reg.name);
  return { oidc, resourceIdentifier, resource, permissions: split.map((s) => s.permission) };
}

function splitScope(value: string): { resource: string; permission: string } {
  const slash = value.lastIndexOf('/');
  if (slash <= 0) return { resource: GRAPH, permission: value };
  return { resource: value.slice(0, slash), permission: value.slice(slash + 1) };
}

export function resourceNotFound(identifier: string, tenantName: string): EntraError {
  return new EntraError(
    OAuthError.InvalidResource,
    500011,
    `The resource principal named ${identifier} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

/**
 * Delegated permissions the client may get on the resource: `.default` expands to everything consented;
 * a named scope must be exposed (AADSTS70011) and consented (AADSTS65001, suberror consent_required).
 * An app asking for its own scopes needs no consent.
 */
export function grantDelegated(client: AppView, request: ScopeRequest): string[] {
  const resource = request.resource as AppView;
  const consented = consentedDelegated(client, resource);
  const granted = new Set<string>();
  for (const permission of request.permissions) {
    if (permission === DEFAULT_PERMISSION) {
      consented.forEach((s) => granted.add(s));
      continue;
    }
    const exposed = resource.reg.scopes.find((s) => s.toLowerCase() === permission.toLowerCase());
    if (exposed === undefined) {
      throw new EntraError(
        OAuthError.InvalidScope,
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${request.resourceIdentifier}/${permission} is not valid. The scope is not exposed by the resource ${resource.clientId}.`,
      );
    }
    if (!consented.includes(exposed)) throw consentRequired(client);
    granted.add(exposed);
  }
  if (granted.size === 0) throw consentRequired(client);
  return [...granted];
}

function consentedDelegated(client: AppView, resource: AppView): readonly string[] {
  if (client.clientId === resource.clientId) return resource.reg.scopes;
  return client.reg.requiredResourceAccess
    .filter((a) => a.resource === resource.name && a.consented)
    .flatMap((a) => a.delegated);
}

export function consentRequired(client: AppView): EntraError {
  return new EntraError(
    OAuthError.InvalidGrant,
    65001,
    `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.reg.displayName}'. Send an interactive authorization request for this user and resource.`,
    { suberror: 'consent_required' },
  );
}

/** Client credentials: `<resource>/.default` only (AADSTS1002012); roles = consented application permissions. */
export function grantApplication(client: AppView, request: ScopeRequest): string[] {
  if (
    request.resource === undefined ||
    request.permissions.some((p) => p !== DEFAULT_PERMISSION) ||
    request.oidc.size > 0
  ) {
    throw new EntraError(
      OAuthError.InvalidScope,
      1002012,
      `The provided value for scope ${[...request.oidc, ...request.permissions.map((p) => `${request.resourceIdentifier ?? ''}/${p}`)].join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = request.resource;
  return client.reg.requiredResourceAccess
    .filter((a) => a.resource === resource.name && a.consented)
    .flatMap((a) => a.application);
}

/** The scope string of a response: granted permissions in the form the resource was named. */
export function responseScope(request: ScopeRequest, granted: readonly string[]): string {
  return granted.map((s) => `${request.resourceIdentifier ?? ''}/${s}`).join(' ');
}
