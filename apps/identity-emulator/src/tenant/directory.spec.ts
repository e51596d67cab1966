import { IDENTITY_MODES, IdentityMode, loadRegistrationsFor } from '@chain/local-tenant';

import { Directory, userFlow } from './directory';

describe('Directory', () => {
  it("indexes each identity mode's registrations file by tenant id and domain, with the tenant's kind", () => {
    for (const mode of IDENTITY_MODES) {
      const registrations = loadRegistrationsFor(mode);
      const directory = new Directory(registrations);
      const tenant = registrations.tenants[0];
      const byId = directory.tenant(tenant?.id.toUpperCase() ?? '');
      expect(byId?.kind).toBe(mode);
      expect(directory.tenant(tenant?.domain ?? '')).toBe(byId);
      expect(byId?.apps.map((a) => a.name).sort()).toEqual([
        'bff',
        'documents-service',
        'pricing-service',
        'program-service',
        'web',
      ]);
    }
  });

  it('resolves B2C App ID URIs, with or without a trailing slash, to their applications', () => {
    const directory = new Directory(loadRegistrationsFor(IdentityMode.B2c));
    const program = directory.appByName('program-service');
    expect(directory.resource('https://contosobrokersb2c.onmicrosoft.com/program-service')).toBe(program);
    expect(directory.resource('https://contosobrokersb2c.onmicrosoft.com/program-service/')).toBe(program);
  });

  it('finds a B2C user flow by name in any case, and none for a name it does not know', () => {
    const registrations = loadRegistrationsFor(IdentityMode.B2c);
    const tenant = new Directory(registrations).tenant(registrations.tenants[0]?.id ?? '');
    if (tenant === undefined) throw new Error('no b2c tenant');
    expect(userFlow(tenant, 'b2c_1_signin_mfa')).toEqual({
      name: 'B2C_1_signin_mfa',
      mfa: true,
      default: false,
    });
    expect(userFlow(tenant, 'B2C_1_other')).toBeUndefined();
    expect(userFlow(tenant, undefined)).toBeUndefined();
  });
});
