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
      expect(byId?.apps.map((a) => a.name)).toEqual(
        expect.arrayContaining(['bff', 'documents-service', 'pricing-service', 'program-service', 'web']),
      );
    }
  });

  describe('multi-tenant apps (the entra file: web and bff are AzureADMultipleOrgs)', () => {
    const directory = new Directory(loadRegistrationsFor(IdentityMode.Entra));
    const contoso = directory.tenant('contoso-brokers.onmicrosoft.com')!;
    const woodgrove = directory.tenant('woodgrove-brokers.onmicrosoft.com')!;
    const organizations = directory.tenant('organizations')!;
    const web = directory.appByName('web')!;
    const program = directory.appByName('program-service')!;

    it('offers a multi-tenant app in every Entra tenant and at /organizations, a single-tenant app only at home', () => {
      expect([
        directory.appIn(woodgrove, web.clientId),
        directory.appIn(organizations, web.clientId),
      ]).toEqual([web, web]);
      expect(directory.appIn(contoso, program.clientId)).toBe(program);
      expect(directory.appIn(woodgrove, program.clientId)).toBeUndefined();
      expect(directory.resourceIn(woodgrove, 'api://program-service')).toBeUndefined();
      expect(directory.resourceIn(woodgrove, 'api://bff')?.name).toBe('bff');
    });

    it('signs in at /organizations a member of any Entra tenant, at a tenant only its members, at /consumers nobody', () => {
      const wendy = 'wendy@woodgrove-brokers.onmicrosoft.com';
      expect(directory.userIn(organizations, wendy)?.username).toBe(wendy);
      expect(directory.userIn(woodgrove, wendy)?.username).toBe(wendy);
      expect(directory.userIn(contoso, wendy)).toBeUndefined();
      expect(directory.userIn(directory.tenant('consumers')!, wendy)).toBeUndefined();
      expect(directory.homeTenant(directory.user(wendy)!)).toBe(woodgrove);
    });

    it('lists only registered tenants, and serves no /organizations for a file without an Entra tenant', () => {
      expect(directory.tenants().map((t) => t.reg.name)).toEqual(['contoso-brokers', 'woodgrove-brokers']);
      expect(new Directory(loadRegistrationsFor(IdentityMode.B2c)).tenant('organizations')).toBeUndefined();
    });

    it('issues v1 tokens for an Entra API without accessTokenAcceptedVersion, v2 when it says 2 or is not Entra', () => {
      const registrations = loadRegistrationsFor(IdentityMode.Entra);
      registrations.applications.find((a) => a.name === 'program-service')!.accessTokenAcceptedVersion = null;
      const versions = new Directory(registrations);
      expect(versions.appByName('program-service')?.tokenVersion).toBe(1);
      expect(versions.appByName('bff')?.tokenVersion).toBe(2);
      const external = new Directory(loadRegistrationsFor(IdentityMode.ExternalId));
      expect(external.appByName('web')?.tokenVersion).toBe(2);
    });
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
