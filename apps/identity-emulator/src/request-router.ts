import type { IncomingMessage, ServerResponse } from 'node:http';

import { handleAdmin } from './admin/admin.endpoint';
import { type Fault, FaultEndpoint, parseFaultHeader } from './admin/fault-injector';
import { handleAuthorize } from './authorize/authorize.endpoint';
import { handleLogout } from './authorize/logout.endpoint';
import {
  BodyTooLargeError,
  correlationIdOf,
  decodePathSegment,
  type EmulatorRequest,
  isLoopback,
  newTraceId,
  readForm,
  sendHtml,
  sendJson,
} from './common/http-kit';
import { handleDeviceCode } from './device/device-code.endpoint';
import { handleDeviceLogin } from './device/device-login.endpoint';
import {
  handleInstanceDiscovery,
  handleKeys,
  handleOpenIdConfiguration,
  handleV1Keys,
} from './discovery/discovery.endpoint';
import { handleCaCertificate, handleHome } from './discovery/home.endpoint';
import type { EmulatorContext } from './emulator-context';
import { handleGraph } from './graph/graph.endpoint';
import { EntraError, OAuthError, renderEntraError } from './oauth/entra-error';
import { countTokenRequest, describeTokenRequest, handleToken } from './oauth/token.endpoint';
import { type TenantView, userFlow } from './tenant/directory';

type TenantHandler = (
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
) => void | Promise<void>;

const TENANT_ROUTES: Readonly<Record<string, { endpoint: FaultEndpoint; handle: TenantHandler }>> = {
  'v2.0/.well-known/openid-configuration': {
    endpoint: FaultEndpoint.Discovery,
    handle: handleOpenIdConfiguration,
  },
  'discovery/v2.0/keys': { endpoint: FaultEndpoint.Keys, handle: handleKeys },
  'discovery/keys': { endpoint: FaultEndpoint.Keys, handle: handleV1Keys },
  'oauth2/v2.0/authorize': { endpoint: FaultEndpoint.Authorize, handle: handleAuthorize },
  'oauth2/v2.0/token': { endpoint: FaultEndpoint.Token, handle: handleToken },
  'oauth2/v2.0/logout': { endpoint: FaultEndpoint.Authorize, handle: handleLogout },
  'oauth2/v2.0/devicecode': { endpoint: FaultEndpoint.Authorize, handle: handleDeviceCode },
};

/** The HTTPS request handler: the home page and CA file, health, test-only admin, instance discovery and the tenant endpoints. */
export function createRequestHandler(
  ctx: EmulatorContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (raw, res) => {
    route(raw, res, ctx).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError && !res.headersSent) {
        const body = { error: 'invalid_request', error_description: 'The request body is too large.' };
        sendJson(res, 413, body, { connection: 'close' });
        return;
      }
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'request failed', error: (error as Error).message })}\n`,
      );
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  };
}

async function route(raw: IncomingMessage, res: ServerResponse, ctx: EmulatorContext): Promise<void> {
  const url = new URL(raw.url ?? '/', 'https://emulator.invalid');
  const fromLoopback = isLoopback(raw.socket.remoteAddress);
  if (raw.method === 'OPTIONS') return preflight(raw, res);
  if (url.pathname === '/health/live' || url.pathname === '/health/ready')
    return sendJson(res, 200, { status: 'ok' });
  if (raw.method === 'GET' || raw.method === 'HEAD') {
    if (url.pathname === '/') return handleHome(res, ctx);
    if (url.pathname === '/ca.pem') return handleCaCertificate(res, ctx);
  }
  if (url.pathname.startsWith('/_admin/')) {
    if (!ctx.testEndpoints || !fromLoopback) return sendJson(res, 404, { error: 'not_found' });
    return handleAdmin(requestOf(raw, url, new URLSearchParams(), ctx, fromLoopback), res, ctx);
  }
  // Microsoft Graph (JSON bodies): before the form reader, which drains any other body.
  if (url.pathname.startsWith('/v1.0/'))
    return handleGraph(raw, res, url, baseUrlOf(raw.headers.host, ctx), ctx);
  const req = requestOf(raw, url, await readForm(raw), ctx, fromLoopback);
  if (/^\/[^/]+\/discovery\/instance\/?$/.test(url.pathname)) return handleInstanceDiscovery(req, res);
  if (url.pathname === '/devicelogin') return handleDeviceLogin(req, res, ctx);
  const match = ROUTE_PATTERN.exec(url.pathname);
  const routed = match === null ? undefined : TENANT_ROUTES[match[3] as string];
  if (match === null || routed === undefined) return sendJson(res, 404, { error: 'not_found' });
  const tenantKey = decodePathSegment(match[1] as string);
  const tenant = tenantKey === undefined ? undefined : ctx.directory.tenant(tenantKey);
  if (tenant === undefined) return unknownTenant(req, res, match[1] as string, routed.endpoint, ctx);
  const policy = policyOf(tenant, match[2]);
  if (policy === null) return sendJson(res, 404, { error: 'not_found' });
  if (routed.endpoint === FaultEndpoint.Token) countTokenRequest(req, ctx);
  if (await injectFault(req, res, routed.endpoint, ctx)) return;
  await routed.handle(policy === undefined ? req : { ...req, policy }, res, tenant, ctx);
}

/** `/{tenant}[/{policy}]/<endpoint>`: a policy segment only for B2C tenants (docs/emulator.md). */
const ROUTE_PATTERN =
  /^\/([^/]+)\/(?:([^/]+)\/)?(v2\.0\/\.well-known\/openid-configuration|discovery\/(?:v2\.0\/)?keys|oauth2\/v2\.0\/(?:authorize|token|logout|devicecode))\/?$/;

/** The registered policy name, undefined for Entra tenants, or null when the path does not fit the tenant kind. */
function policyOf(tenant: TenantView, segment: string | undefined): string | undefined | null {
  if (!tenant.isB2c) return segment === undefined ? undefined : null;
  if (segment === undefined) return null;
  const name = decodePathSegment(segment);
  return name === undefined ? null : (userFlow(tenant, name)?.name ?? null);
}

function requestOf(
  raw: IncomingMessage,
  url: URL,
  form: URLSearchParams,
  ctx: EmulatorContext,
  fromLoopback: boolean,
): EmulatorRequest {
  return {
    method: raw.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: raw.headers,
    form,
    baseUrl: baseUrlOf(raw.headers.host, ctx),
    traceId: newTraceId(),
    correlationId: correlationIdOf(url.searchParams, raw.headers, form),
    fromLoopback,
    raw,
  };
}

/** The origin the client used, if its host is one we answer to (one issuer, many hostnames); else the public URL. */
function baseUrlOf(host: string | undefined, ctx: EmulatorContext): string {
  if (host === undefined) return ctx.publicUrl;
  try {
    const url = new URL(`https://${host}`);
    return ctx.hostnames.has(url.hostname.replace(/^\[|\]$/g, '')) ? url.origin : ctx.publicUrl;
  } catch {
    return ctx.publicUrl;
  }
}

function preflight(raw: IncomingMessage, res: ServerResponse): void {
  const requested = raw.headers['access-control-request-headers'];
  res.writeHead(204, {
    'access-control-allow-origin': typeof raw.headers.origin === 'string' ? raw.headers.origin : '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': typeof requested === 'string' ? requested : 'content-type',
    'access-control-max-age': '86400',
    vary: 'Origin',
  });
  res.end();
}

function unknownTenant(
  req: EmulatorRequest,
  res: ServerResponse,
  key: string,
  endpoint: FaultEndpoint,
  ctx: EmulatorContext,
): void {
  const error = new EntraError(
    OAuthError.InvalidRequest,
    90002,
    `Tenant '${key}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );
  if (endpoint === FaultEndpoint.Authorize)
    return sendHtml(res, 400, `<!doctype html><p>AADSTS90002: Tenant not found.</p>`);
  sendJson(res, 400, renderEntraError(error, req, ctx.nowMs()), { 'x-ms-request-id': req.traceId });
}

/** Test-only faults: the `fault-inject` header (loopback peers) or an admin rule. True when the request was answered. */
async function injectFault(
  req: EmulatorRequest,
  res: ServerResponse,
  endpoint: FaultEndpoint,
  ctx: EmulatorContext,
): Promise<boolean> {
  if (!ctx.testEndpoints || !req.fromLoopback) return false;
  const target = endpoint === FaultEndpoint.Token ? { endpoint, ...describeTokenRequest(req) } : { endpoint };
  const fault: Fault | undefined = parseFaultHeader(req.headers['fault-inject']) ?? ctx.faults.take(target);
  if (fault === undefined) return false;
  if (fault.latencyMs !== undefined) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.drop === true) {
    req.raw.socket.destroy();
    return true;
  }
  if (fault.status === undefined) return false;
  const throttled = fault.status === 429;
  const error = new EntraError(
    OAuthError.TemporarilyUnavailable,
    throttled ? 90055 : 90033,
    throttled
      ? 'There are too many incoming requests. Retry later.'
      : 'A transient error has occurred. Please try again. (injected fault)',
    { status: fault.status },
  );
  const headers: Record<string, string> = { 'x-ms-request-id': req.traceId };
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  sendJson(res, fault.status, renderEntraError(error, req, ctx.nowMs()), headers);
  return true;
}
