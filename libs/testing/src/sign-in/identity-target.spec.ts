import { IdentityMode, loadRegistrationsFor } from '@chain/local-tenant';

import { authorityOf, defaultScopes, findClient, findUser, type IdentityTarget } from './identity-target';

const EMULATOR = 'https://localhost:8443';

function targetOf(mode: IdentityMode): IdentityTarget {
  const registrations = loadRegistrationsFor(mode);
  return { emulatorUrl: EMULATOR, tenantId: registrations.tenants[0]?.id ?? '', caPem: '', registrations };
}

describe('the sign-in target', () => {
  it('signs in at the tenant path of Entra and External ID tenants, whatever user flow is asked', () => {
    for (const mode of [IdentityMode.Entra, IdentityMode.ExternalId]) {
      const target = targetOf(mode);
      expect(authorityOf(target, 'B2C_1_signin_mfa')).toBe(`${EMULATOR}/${target.tenantId}`);
    }
  });

  it("signs in through a B2C tenant's sign-in user flow unless another one is asked", () => {
    const target = targetOf(IdentityMode.B2c);
    expect(authorityOf(target, undefined)).toBe(`${EMULATOR}/${target.tenantId}/B2C_1_signupsignin`);
    expect(authorityOf(target, 'B2C_1_signin_mfa')).toBe(`${EMULATOR}/${target.tenantId}/B2C_1_signin_mfa`);
  });

  it("asks for the SPA's delegated permission on the BFF under each tenant's App ID URI", () => {
    const scopes = [IdentityMode.Entra, IdentityMode.ExternalId, IdentityMode.B2c].map((mode) => {
      const { registrations } = targetOf(mode);
      return defaultScopes(registrations, findClient(registrations, 'web'));
    });
    expect(scopes).toEqual([
      ['api://bff/access_as_user'],
      ['api://contosobrokersext/bff/access_as_user'],
      ['https://contosobrokersb2c.onmicrosoft.com/bff/access_as_user'],
    ]);
  });

  it('finds a user by the first part of the address', () => {
    const { registrations } = targetOf(IdentityMode.B2c);
    expect(findUser(registrations, 'dana').identityProvider).toBe('google.com');
    expect(findUser(registrations, 'alice').username).toBe('alice@northwind.example');
    expect(() => findUser(registrations, 'mallory')).toThrow('no user mallory');
  });
});
