import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { TenantKind } from '@chain/local-tenant';
import { decode, verify } from 'jsonwebtoken';
import type { z } from 'zod';

import { BodyTooLargeError, sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import type { TenantView } from '../tenant/directory';
import { v1Issuer } from '../tokens/token-factory';
import {
  addPasswordBody,
  applicationBody,
  appRoleAssignmentBody,
  federatedCredentialBody,
  federatedCredentialPatchBody,
  permissionGrantBody,
  permissionGrantPatch,
  servicePrincipalBody,
} from './graph-bodies';
import type { GraphDirectory } from './graph-directory';
import { badRequest, GraphError, renderGraphError } from './graph-error';
import { applyFilter, parseFilter } from './graph-filter';
import { MICROSOFT_GRAPH_APP_ID } from './graph-model';

/** The audiences of a Microsoft Graph token: its App ID URI (v1 tokens) or its application id. */
const GRAPH_AUDIENCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  MICROSOFT_GRAPH_APP_ID,
];

/**
 * Graph's permissions per operation (the "Permissions" table of each Microsoft Learn API page, application
 * permissions; docs/emulator.md "Microsoft Graph subset"). Any one of the list suffices.
 */
const Permission = {
  ReadApps: [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  WriteApps: ['Application.ReadWrite.All'],
  WriteServicePrincipals: ['Application.ReadWrite.All', 'Directory.ReadWrite.All'],
  ReadGrants: [
    'DelegatedPermissionGrant.Read.All',
    'DelegatedPermissionGrant.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  WriteGrants: ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'],
  WriteAssignments: ['AppRoleAssignment.ReadWrite.All'],
  ReadUsers: [
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const;

interface GraphCall {
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly tenantId: string;
  readonly permissions: ReadonlySet<string>;
  readonly baseUrl: string;
  readonly body: () => Promise<unknown>;
}

interface GraphResult {
  readonly status: number;
  readonly body?: unknown;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Serves `/v1.0/...`: the subset of Microsoft Graph v1.0 that `npm run provision` uses (docs/provisioning.md). */
export async function handleGraph(
  raw: IncomingMessage,
  res: ServerResponse,
  url: URL,
  baseUrl: string,
  ctx: EmulatorContext,
): Promise<void> {
  const requestId = randomUUID();
  const header = raw.headers['client-request-id'];
  const clientRequestId = typeof header === 'string' && header !== '' ? header : requestId;
  const headers = { 'request-id': requestId, 'client-request-id': clientRequestId };
  try {
    const caller = authenticate(raw.headers.authorization, ctx);
    const call: GraphCall = {
      method: raw.method ?? 'GET',
      segments: url.pathname
        .split('/')
        .filter((s) => s !== '')
        .slice(1)
        .map(decodeURIComponent),
      query: url.searchParams,
      tenantId: caller.tenant.id,
      permissions: caller.permissions,
      baseUrl,
      body: () => readJson(raw),
    };
    const result = await dispatch(call, ctx.graph);
    if (result.body === undefined) {
      res.writeHead(result.status, { ...headers, 'content-length': 0 });
      res.end();
      return;
    }
    sendJson(res, result.status, result.body, headers);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    const graphError =
      error instanceof GraphError
        ? error
        : error instanceof URIError
          ? badRequest('The request URI is not valid.')
          : undefined;
    if (graphError === undefined) throw error;
    raw.resume();
    const extra: Record<string, string> =
      graphError.status === 401 ? { 'www-authenticate': 'Bearer realm="", error="invalid_token"' } : {};
    sendJson(
      res,
      graphError.status,
      renderGraphError(graphError, requestId, clientRequestId, new Date(ctx.nowMs())),
      {
        ...headers,
        ...extra,
      },
    );
  }
}

/** The caller's tenant and Graph permissions, from an access token this emulator signed for Graph. */
function authenticate(
  authorization: string | undefined,
  ctx: EmulatorContext,
): { tenant: TenantView; permissions: ReadonlySet<string> } {
  const token = /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) throw unauthorized('Access token is empty.');
  const decoded = decode(token, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string')
    throw unauthorized('IDX14100: JWT is not well formed.');
  const key = ctx.keys.verificationKey(decoded.header.kid ?? '');
  if (key === undefined) throw unauthorized('Access token validation failure. Invalid signature.');
  let payload: Record<string, unknown>;
  try {
    payload = verify(token, key.publicKey, {
      algorithms: ['RS256'],
      clockTimestamp: Math.floor(ctx.nowMs() / 1000),
    }) as Record<string, unknown>;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TokenExpiredError') throw unauthorized('Lifetime validation failed, the token is expired.');
    throw unauthorized('Access token validation failure.');
  }
  if (!GRAPH_AUDIENCES.includes(String(payload['aud'])))
    throw unauthorized('Access token validation failure. Invalid audience.');
  const tenant = ctx.directory.tenant(typeof payload['tid'] === 'string' ? payload['tid'] : '');
  const issuers =
    tenant === undefined
      ? []
      : [ctx.issuerFor(tenant.id), ...(tenant.kind === TenantKind.Entra ? [v1Issuer(tenant.id)] : [])];
  if (tenant === undefined || tenant.authority !== undefined || !issuers.includes(String(payload['iss'])))
    throw unauthorized('Access token validation failure. Invalid issuer.');
  const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r) => typeof r === 'string') : [];
  const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ') : [];
  return { tenant, permissions: new Set([...roles, ...scopes]) };
}

function unauthorized(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message);
}

function requires(call: GraphCall, permissions: readonly string[]): void {
  if (!permissions.some((p) => call.permissions.has(p)))
    throw new GraphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
}

async function parsed<T extends z.ZodTypeAny>(call: GraphCall, schema: T): Promise<z.infer<T>> {
  const result = schema.safeParse(await call.body());
  if (!result.success)
    throw badRequest(
      `Invalid request body: ${result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  return result.data as z.infer<T>;
}

function collection(call: GraphCall, name: string, value: readonly unknown[]): GraphResult {
  return { status: 200, body: { '@odata.context': `${call.baseUrl}/v1.0/$metadata#${name}`, value } };
}

function entity(call: GraphCall, name: string, value: object, status = 200): GraphResult {
  return { status, body: { '@odata.context': `${call.baseUrl}/v1.0/$metadata#${name}/$entity`, ...value } };
}

/** The `appId` key of `applications(appId='{appId}')`. */
function applicationKey(segment: string): { appId: string } | undefined {
  const byAppId = /^applications\(appId='([^']+)'\)$/.exec(segment);
  return byAppId === null ? undefined : { appId: byAppId[1] as string };
}

async function dispatch(call: GraphCall, graph: GraphDirectory): Promise<GraphResult> {
  const [head, id, sub, ...rest] = call.segments;
  const { method, tenantId } = call;
  if (head === undefined) throw notFoundSegment(call);
  if (head === 'applications' && id !== undefined && sub === FEDERATED)
    return federatedCredentials(call, graph, id, rest);
  if (rest.length > 0) throw notFoundSegment(call);
  const byAppId = applicationKey(head);
  if (head === 'applications' && id === undefined) {
    if (method === 'GET') {
      requires(call, Permission.ReadApps);
      const filter = parseFilter(call.query.get('$filter'), [
        'appId',
        'displayName',
        'identifierUris',
        'tags',
      ]);
      return collection(call, 'applications', applyFilter(graph.applications(tenantId), filter));
    }
    if (method === 'POST') {
      requires(call, Permission.WriteApps);
      const app = graph.createApplication(tenantId, await parsed(call, applicationBody));
      return entity(call, 'applications', app, 201);
    }
    throw methodNotAllowed();
  }
  if (head === 'applications' || byAppId !== undefined) {
    const key = byAppId ?? { id: id as string };
    const action = byAppId === undefined ? sub : id;
    if (byAppId !== undefined && sub !== undefined) throw notFoundSegment(call);
    if (action === undefined && method === 'GET') {
      requires(call, Permission.ReadApps);
      return entity(call, 'applications', graph.application(tenantId, key));
    }
    if (action === undefined && method === 'PATCH') {
      requires(call, Permission.WriteApps);
      const app = graph.application(tenantId, key);
      graph.updateApplication(tenantId, app.id, await parsed(call, applicationBody));
      return { status: 204 };
    }
    if (action === 'addPassword' && method === 'POST') {
      requires(call, Permission.WriteApps);
      const app = graph.application(tenantId, key);
      const input = await parsed(call, addPasswordBody);
      const credential = graph.addPassword(tenantId, app.id, input.passwordCredential);
      return {
        status: 200,
        body: {
          '@odata.context': `${call.baseUrl}/v1.0/$metadata#microsoft.graph.passwordCredential`,
          ...credential,
        },
      };
    }
    if (action === undefined) throw methodNotAllowed();
    throw notFoundSegment(call);
  }
  if (head === 'servicePrincipals') return servicePrincipals(call, graph, id, sub);
  if (head === 'oauth2PermissionGrants' && sub === undefined) return permissionGrants(call, graph, id);
  if (head === 'users' && id !== undefined && sub === undefined && method === 'GET') {
    requires(call, Permission.ReadUsers);
    return entity(call, 'users', graph.user(tenantId, id));
  }
  throw notFoundSegment(call);
}

const FEDERATED = 'federatedIdentityCredentials';

/**
 * `/applications/{id}/federatedIdentityCredentials[/{id or name}]`: list (GET), create (POST, 201) and
 * update (PATCH, 204), as Microsoft Learn documents them ("federatedIdentityCredential resource type").
 */
async function federatedCredentials(
  call: GraphCall,
  graph: GraphDirectory,
  appObjectId: string,
  rest: readonly string[],
): Promise<GraphResult> {
  const { method, tenantId } = call;
  const [key, ...more] = rest;
  if (more.length > 0) throw notFoundSegment(call);
  const app = graph.application(tenantId, { id: appObjectId });
  const context = `applications('${app.id}')/${FEDERATED}`;
  if (key === undefined && method === 'GET') {
    requires(call, Permission.ReadApps);
    return collection(call, context, graph.federatedCredentials(tenantId, app.id));
  }
  if (key === undefined && method === 'POST') {
    requires(call, Permission.WriteApps);
    const created = graph.addFederatedCredential(
      tenantId,
      app.id,
      await parsed(call, federatedCredentialBody),
    );
    return entity(call, context, created, 201);
  }
  if (key !== undefined && method === 'PATCH') {
    requires(call, Permission.WriteApps);
    graph.updateFederatedCredential(tenantId, app.id, key, await parsed(call, federatedCredentialPatchBody));
    return { status: 204 };
  }
  throw methodNotAllowed();
}

async function servicePrincipals(
  call: GraphCall,
  graph: GraphDirectory,
  id: string | undefined,
  sub: string | undefined,
): Promise<GraphResult> {
  const { method, tenantId } = call;
  if (id === undefined) {
    if (method === 'GET') {
      requires(call, Permission.ReadApps);
      const filter = parseFilter(call.query.get('$filter'), ['appId', 'displayName', 'tags']);
      const all = graph.servicePrincipals(tenantId).map((sp) => graph.servicePrincipalView(tenantId, sp));
      return collection(call, 'servicePrincipals', applyFilter(all, filter));
    }
    if (method === 'POST') {
      requires(call, Permission.WriteServicePrincipals);
      const body = await parsed(call, servicePrincipalBody);
      const sp = graph.createServicePrincipal(tenantId, body.appId, body.tags ?? []);
      return entity(call, 'servicePrincipals', graph.servicePrincipalView(tenantId, sp), 201);
    }
    throw methodNotAllowed();
  }
  if (sub === undefined && method === 'GET') {
    requires(call, Permission.ReadApps);
    const sp = graph.servicePrincipal(tenantId, id);
    return entity(call, 'servicePrincipals', graph.servicePrincipalView(tenantId, sp));
  }
  if (sub === 'appRoleAssignedTo') {
    if (method === 'GET') {
      requires(call, [...Permission.ReadApps, ...Permission.WriteAssignments]);
      return collection(
        call,
        `servicePrincipals('${id}')/appRoleAssignedTo`,
        graph.assignmentsTo(tenantId, id),
      );
    }
    if (method === 'POST') {
      requires(call, Permission.WriteAssignments);
      const assignment = graph.assign(tenantId, id, await parsed(call, appRoleAssignmentBody));
      return entity(call, `servicePrincipals('${id}')/appRoleAssignedTo`, assignment, 201);
    }
    throw methodNotAllowed();
  }
  throw notFoundSegment(call);
}

async function permissionGrants(
  call: GraphCall,
  graph: GraphDirectory,
  id: string | undefined,
): Promise<GraphResult> {
  const { method, tenantId } = call;
  if (id === undefined && method === 'GET') {
    requires(call, Permission.ReadGrants);
    const filter = parseFilter(call.query.get('$filter'), [
      'clientId',
      'resourceId',
      'consentType',
      'principalId',
    ]);
    return collection(call, 'oauth2PermissionGrants', applyFilter(graph.permissionGrants(tenantId), filter));
  }
  if (id === undefined && method === 'POST') {
    requires(call, Permission.WriteGrants);
    const grant = graph.createPermissionGrant(tenantId, await parsed(call, permissionGrantBody));
    return entity(call, 'oauth2PermissionGrants', grant, 201);
  }
  if (id !== undefined && method === 'PATCH') {
    requires(call, Permission.WriteGrants);
    graph.updatePermissionGrant(tenantId, id, (await parsed(call, permissionGrantPatch)).scope);
    return { status: 204 };
  }
  throw methodNotAllowed();
}

function notFoundSegment(call: GraphCall): GraphError {
  return new GraphError(
    400,
    'BadRequest',
    `Resource not found for the segment '${call.segments.join('/')}'.`,
  );
}

function methodNotAllowed(): GraphError {
  return new GraphError(
    405,
    'Request_BadRequest',
    'Specified HTTP method is not allowed for the request uri.',
  );
}

async function readJson(raw: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text === '' ? '{}' : text) as unknown;
  } catch {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}
