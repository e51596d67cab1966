import { loadRegistrations } from '@chain/local-tenant';

import { Directory } from '../tenant/directory';
import { applicationBody } from './graph-bodies';
import { GraphDirectory } from './graph-directory';
import { GraphError } from './graph-error';
import { applyFilter, parseFilter } from './graph-filter';

const TENANT = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const SCOPE_ID = '11111111-1111-4111-8111-111111111111';
const ROLE_ID = '22222222-2222-4222-8222-222222222222';

function emptyTenant(): { directory: Directory; graph: GraphDirectory } {
  const directory = new Directory(loadRegistrations('libs/local-tenant/registrations.provisioning.yaml'));
  return { directory, graph: new GraphDirectory(directory) };
}

/** A body as the endpoint hands it over: parsed, Graph's defaults applied. */
function body(value: unknown): ReturnType<typeof applicationBody.parse> {
  return applicationBody.parse(value);
}

function graphError(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('expected a GraphError');
}

describe('$filter subset', () => {
  it('parses eq and any() clauses joined by and, quotes doubled', () => {
    expect(parseFilter("appId eq 'a''b' and tags/any(t:t eq 'x and y')", ['appId', 'tags'])).toEqual([
      { property: 'appId', value: "a'b", any: false },
      { property: 'tags', value: 'x and y', any: true },
    ]);
  });

  it('refuses other properties and operators with Request_UnsupportedQuery', () => {
    expect(graphError(() => parseFilter("secret eq 'x'", ['appId'])).code).toBe('Request_UnsupportedQuery');
    expect(graphError(() => parseFilter("startsWith(appId,'x')", ['appId'])).status).toBe(400);
  });

  it('matches case-insensitively, any() on collections', () => {
    const items = [
      { appId: 'ABC', tags: ['t1'] },
      { appId: 'def', tags: [] },
    ];
    expect(applyFilter(items, parseFilter("appId eq 'abc'", ['appId']))).toEqual([items[0]]);
    expect(applyFilter(items, parseFilter("tags/any(t:t eq 'T1')", ['tags']))).toEqual([items[0]]);
  });
});

describe('GraphDirectory: Graph writes become the registrations the token endpoints serve', () => {
  it('serves an application only once it has a service principal, named by its tag', () => {
    const { directory, graph } = emptyTenant();
    const app = graph.createApplication(TENANT, body({ displayName: 'API', tags: ['entra-api-chain:api'] }));
    expect(directory.app(app.appId)).toBeUndefined();
    graph.createServicePrincipal(TENANT, app.appId, []);
    expect(directory.app(app.appId)?.name).toBe('api');
  });

  it('a requested permission is consented only once granted', () => {
    const { directory, graph } = emptyTenant();
    const api = graph.createApplication(
      TENANT,
      body({
        displayName: 'API',
        tags: ['entra-api-chain:api'],
        identifierUris: ['api://api'],
        api: { oauth2PermissionScopes: [{ id: SCOPE_ID, value: 'Read' }] },
        appRoles: [{ id: ROLE_ID, value: 'Read.All', allowedMemberTypes: ['Application'] }],
      }),
    );
    const client = graph.createApplication(
      TENANT,
      body({
        displayName: 'Client',
        tags: ['entra-api-chain:client'],
        requiredResourceAccess: [
          {
            resourceAppId: api.appId,
            resourceAccess: [
              { id: SCOPE_ID, type: 'Scope' },
              { id: ROLE_ID, type: 'Role' },
            ],
          },
        ],
      }),
    );
    const apiSp = graph.createServicePrincipal(TENANT, api.appId, []);
    const clientSp = graph.createServicePrincipal(TENANT, client.appId, []);
    expect(directory.app(client.appId)?.reg.requiredResourceAccess).toEqual([
      { resource: 'api', delegated: ['Read'], application: ['Read.All'], consented: false },
    ]);
    graph.createPermissionGrant(TENANT, {
      clientId: clientSp.id,
      consentType: 'AllPrincipals',
      resourceId: apiSp.id,
      scope: 'Read',
    });
    graph.assign(TENANT, apiSp.id, { principalId: clientSp.id, resourceId: apiSp.id, appRoleId: ROLE_ID });
    expect(directory.app(client.appId)?.reg.requiredResourceAccess).toEqual([
      { resource: 'api', delegated: ['Read'], application: ['Read.All'], consented: true },
    ]);
    expect(graph.writes).toBe(6);
  });

  it('refuses to drop an enabled scope, a duplicate identifier URI, a second service principal', () => {
    const { graph } = emptyTenant();
    const api = graph.createApplication(
      TENANT,
      body({
        displayName: 'API',
        identifierUris: ['api://api'],
        api: { oauth2PermissionScopes: [{ id: SCOPE_ID, value: 'Read', isEnabled: true }] },
      }),
    );
    expect(
      graphError(() => graph.updateApplication(TENANT, api.id, { api: { oauth2PermissionScopes: [] } })).code,
    ).toBe('CannotDeleteOrUpdateEnabledEntitlement');
    expect(
      graphError(() =>
        graph.createApplication(TENANT, body({ displayName: 'B', identifierUris: ['API://api'] })),
      ).message,
    ).toMatch(/identifierUris already exists/);
    graph.createServicePrincipal(TENANT, api.appId, []);
    expect(graphError(() => graph.createServicePrincipal(TENANT, api.appId, [])).status).toBe(409);
  });

  it('keeps a seeded file as it was until a write', () => {
    const registrations = loadRegistrations();
    const directory = new Directory(registrations);
    const graph = new GraphDirectory(directory);
    expect(directory.registrations).toBe(registrations);
    expect(graph.applications(TENANT).map((a) => a.tags[0])).toContain('entra-api-chain:bff');
  });
});

describe('GraphDirectory: bad input is a 400', () => {
  it('answers a key credential that is not a certificate with a 400', () => {
    const { graph } = emptyTenant();
    const keyCredentials = [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: 'bm90IGEgY2VydA==' }];
    expect(
      graphError(() => graph.createApplication(TENANT, body({ displayName: 'A', keyCredentials }))).status,
    ).toBe(400);
  });
});
