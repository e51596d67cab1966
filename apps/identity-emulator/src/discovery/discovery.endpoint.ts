import type { ServerResponse } from 'node:http';

import type { EmulatorRequest } from '../common/http-kit';
import { sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import type { TenantView } from '../tenant/directory';

const DISCOVERY_HEADERS = {
  'cache-control': 'max-age=86400, private',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
};

/**
 * `GET /{tenant}[/{policy}]/v2.0/.well-known/openid-configuration`. Endpoint URLs use the host the client
 * came in on (so a container reaches the emulator by its service name) and the tenant GUID (B2C: the tenant
 * domain and the lower-cased user flow); `issuer` is always the tenant's issuer: on the public URL, or for
 * External ID `https://<tid>.ciamlogin.com/<tid>/v2.0`.
 */
export function handleOpenIdConfiguration(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  const issuer = ctx.issuerFor(tenant.id);
  const body =
    req.policy === undefined
      ? entraConfiguration(`${req.baseUrl}/${tenant.id}`, issuer)
      : b2cConfiguration(`${req.baseUrl}/${tenant.reg.domain}/${req.policy.toLowerCase()}`, issuer, tenant);
  sendJson(res, 200, body, { ...DISCOVERY_HEADERS, 'x-ms-request-id': req.traceId });
}

/** Entra's v2 document (a recorded tenant-specific response); External ID serves the same shape. */
function entraConfiguration(base: string, issuer: string): Record<string, unknown> {
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ENTRA_CLAIMS,
    code_challenge_methods_supported: ['S256'],
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

const ENTRA_CLAIMS = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'at_hash',
  'c_hash',
  'email',
];

/**
 * A B2C user flow's document: the fields of a recorded b2clogin.com response (no Entra extras, secret-based
 * client authentication only); `claims_supported` lists what this emulator's user flows return.
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
    response_types_supported: [
      'code',
      'code id_token',
      'code token',
      'code id_token token',
      'id_token',
      'id_token token',
      'token',
      'token id_token',
    ],
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
  sendJson(res, 200, ctx.keys.jwks(ctx.issuerFor(tenant.id)), {
    ...DISCOVERY_HEADERS,
    'x-ms-request-id': req.traceId,
  });
}

/** `GET /common/discovery/instance` (ENTRA.md §1.2): this host is its own cloud, with no aliases. */
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
