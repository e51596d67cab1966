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
 * `GET /{tenant}/v2.0/.well-known/openid-configuration` (ENTRA.md §1.2). Endpoint URLs use the host the
 * client came in on (so a container reaches the emulator by its service name) and the tenant GUID;
 * `issuer` is always the public issuer.
 */
export function handleOpenIdConfiguration(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  // B2C endpoints carry the tenant domain and the policy (ENTRA.md §6).
  const base =
    req.policy === undefined
      ? `${req.baseUrl}/${tenant.id}`
      : `${req.baseUrl}/${tenant.reg.domain}/${req.policy.toLowerCase()}`;
  sendJson(
    res,
    200,
    {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: ctx.issuerFor(tenant.id),
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
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
      ],
      code_challenge_methods_supported: ['S256'],
      tenant_region_scope: 'WW',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    },
    { ...DISCOVERY_HEADERS, 'x-ms-request-id': req.traceId },
  );
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
