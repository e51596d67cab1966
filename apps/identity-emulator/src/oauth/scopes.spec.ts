import { loadRegistrations } from '@chain/local-tenant';

import { Directory } from '../tenant/directory';
import { EntraError } from './entra-error';
import { grantApplication, grantDelegated, parseScopes, responseScope } from './scopes';

const directory = new Directory(loadRegistrations());
const tenant = directory.tenant('5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f')!;
const app = (name: string): NonNullable<ReturnType<Directory['appByName']>> => directory.appByName(name)!;

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof EntraError) return error.code;
    throw error;
  }
  return undefined;
}

describe('scope handling', () => {
  it('resolves a resource by App ID URI and by client id GUID to the same app', () => {
    const byUri = parseScopes('api://program-service/Program.Read openid', directory, tenant);
    const byGuid = parseScopes('2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33/Program.Read', directory, tenant);
    expect(byUri.resource).toBe(byGuid.resource);
    expect([...byUri.oidc]).toEqual(['openid']);
    expect(byUri.permissions).toEqual(['Program.Read']);
  });

  it('expands .default to the consented delegated permissions and never returns the literal .default', () => {
    const request = parseScopes('api://program-service/.default', directory, tenant);
    const granted = grantDelegated(app('bff'), request);
    expect(granted).toEqual(['Program.ReadWrite']);
    expect(responseScope(request, granted)).toBe('api://program-service/Program.ReadWrite');
  });

  it('refuses two resources in one request (AADSTS28000)', () => {
    expect(
      codeOf(() =>
        parseScopes('api://program-service/Program.Read api://bff/access_as_user', directory, tenant),
      ),
    ).toBe(28000);
  });

  it('sends a bare scope to Graph, which is not in this tenant (AADSTS500011)', () => {
    expect(codeOf(() => parseScopes('User.Read', directory, tenant))).toBe(500011);
  });

  it('lets an app ask for its own scopes without consent', () => {
    expect(grantDelegated(app('bff'), parseScopes('api://bff/access_as_user', directory, tenant))).toEqual([
      'access_as_user',
    ]);
  });

  it('gives client credentials the consented application roles and refuses named scopes (AADSTS1002012)', () => {
    expect(
      grantApplication(app('bff'), parseScopes('api://pricing-service/.default', directory, tenant)),
    ).toEqual(['Pricing.Read.All']);
    expect(
      grantApplication(
        app('documents-service'),
        parseScopes('api://pricing-service/.default', directory, tenant),
      ),
    ).toEqual([]);
    expect(
      codeOf(() =>
        grantApplication(
          app('bff'),
          parseScopes('api://pricing-service/Pricing.Read.All', directory, tenant),
        ),
      ),
    ).toBe(1002012);
  });
});
