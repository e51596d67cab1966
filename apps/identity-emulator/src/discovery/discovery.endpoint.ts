import type { ServerResponse } from 'node:http';

import { TenantKind } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import { sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { MultiTenantAuthority, type TenantView } from '../tenant/directory';

/** The tenant of personal Microsoft accounts: `/consumers` issues for it (Microsoft Learn, "Access tokens"). */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

const DISCOVERY_HEADERS = {
  'cache-control': 'max-age=86400, private',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
};

/**
 * `GET /{tenant}[/{policy}]/v2.0/.well-known/openid-configuration`. Endpoint URLs use the host the client
 * came in on (so a container reaches the emulator by its service name) and the tenant GUID (B2C: the tenant
 * domain and the lower-cased user flow; `/organizations` and `/common`: that name); `issuer` is always the
 * tenant's issuer: on the public URL, for External ID `https://<tid>.ciamlogin.com/<tid>/v2.0`, for
 * `/organizations` and `/common` the template `<public url>/{tenantid}/v2.0`, as Entra's.
 */
export function handleOpenIdConfiguration(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  const issuer = issuerOf(tenant, ctx);
  const body =
    req.policy === undefined
      ? entraConfiguration(`${req.baseUrl}/${tenant.id}`, issuer, tenant)
      : b2cConfiguration(`${req.baseUrl}/${tenant.reg.domain}/${req.policy.toLowerCase()}`, issuer, tenant);
  sendJson(res, 200, body, { ...DISCOVERY_HEADERS, 'x-ms-request-id': req.traceId });
}

/** The issuer a tenant's (or tenant-independent authority's) document and keys name. */
function issuerOf(tenant: TenantView, ctx: EmulatorContext): string {
  if (tenant.authority === MultiTenantAuthority.Consumers) return `${ctx.publicUrl}/${CONSUMERS_TENANT}/v2.0`;
  if (tenant.authority !== undefined) return `${ctx.publicUrl}/{tenantid}/v2.0`;
  return ctx.issuerFor(tenant.id);
}

/**
 * Entra's v2 document (the fields of a recorded tenant-specific response), listing only what the emulator
 * implements: response type `code` (no implicit or hybrid), the device authorization endpoint only where the
 * device code flow is served (Entra tenants), no `userinfo_endpoint` (Microsoft Graph's) and no front-channel
 * logout. External ID serves the same shape.
 */
function entraConfiguration(base: string, issuer: string, tenant: TenantView): Record<string, unknown> {
  const deviceCode =
    tenant.kind === TenantKind.Entra && tenant.authority !== MultiTenantAuthority.Consumers
      ? { device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode` }
      : {};
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    ...deviceCode,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ENTRA_CLAIMS,
    code_challenge_methods_supported: ['S256'],
    tenant_region_scope: tenant.authority === undefined ? 'WW' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The claims of Entra's list that the emulator's id tokens can carry. */
const ENTRA_CLAIMS = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'email',
];

/**
 * A B2C user flow's document: the fields of a recorded b2clogin.com response (no Entra extras, secret-based
 * client authentication only, response type `code` only); `claims_supported` lists what this emulator's user
 * flows return.
 */
function b2cConfiguration(base: string, issuer: string, tenant: TenantView): Record<string, unknown> {
  const extensions = new Set(tenant.users.flatMap((u) => Object.keys(u.customAttributes)));
  return {
    issuer,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    // Only what the emulator implements (a recorded document also lists implicit and hybrid types).
    response_types_supported: ['code'],
    scopes_supported: ['openid'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'name',
      'emails',
      'idp',
      ...[...extensions].map((n) => `extension_${n}`),
      'sub',
      'tfp',
      'iss',
      'iat',
      'exp',
      'aud',
      'acr',
      'nonce',
      'auth_time',
    ],
  };
}

/** `GET /{tenant}/discovery/v2.0/keys`: the published keys with `kid`, `x5t`, `x5c`, `n`, `e`, `issuer`. */
export function handleKeys(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  sendJson(res, 200, ctx.keys.jwks(issuerOf(tenant, ctx)), {
    ...DISCOVERY_HEADERS,
    'x-ms-request-id': req.traceId,
  });
}

/**
 * `GET /{tenant}/discovery/keys`: the v1 key set (the same keys, without `issuer`), for validators of v1
 * tokens (issuer `https://sts.windows.net/<tid>/`). Entra tenants only; the v1 discovery document is not
 * served (docs/emulator.md).
 */
export function handleV1Keys(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  if (tenant.kind !== TenantKind.Entra) return sendJson(res, 404, { error: 'not_found' });
  sendJson(res, 200, ctx.keys.jwks(), { ...DISCOVERY_HEADERS, 'x-ms-request-id': req.traceId });
}

/** `GET /common/discovery/instance` (docs/entra-protocol.md#authorities-and-discovery): this host is its own cloud, with no aliases. */
export function handleInstanceDiscovery(req: EmulatorRequest, res: ServerResponse): void {
  const endpoint = req.query.get('authorization_endpoint') ?? '';
  const host = new URL(req.baseUrl).host;
  let authority = `${req.baseUrl}/common/`;
  try {
    const url = new URL(endpoint);
    authority = `${url.origin}/${url.pathname.split('/')[1] ?? 'common'}/`;
  } catch {
    // keep the default
  }
  sendJson(
    res,
    200,
    {
      tenant_discovery_endpoint: `${authority}v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
    { ...DISCOVERY_HEADERS, 'x-ms-request-id': req.traceId },
  );
}
