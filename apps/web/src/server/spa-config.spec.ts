import { loadRegistrations, parseRegistrations, type Registrations } from '@chain/local-tenant';

import { spaConfigFromEnv, spaConfigFromRegistrations } from './spa-config';
import { loadWebEnv } from './web.config';

describe('spaConfigFromRegistrations', () => {
  const config = spaConfigFromRegistrations(
    loadRegistrations(),
    loadWebEnv({ BFF_URL: 'http://localhost:3000/', EMULATOR_PUBLIC_URL: 'https://localhost:9443' }),
  );

  it('derives the SPA client, authority and BFF scope from the tenant file', () => {
    const reg = loadRegistrations();
    const web = reg.applications.find((a) => a.name === 'web');
    expect(config.identityMode).toBe('entra');
    expect(config.auth).toEqual({
      clientId: web?.clientId,
      authority: `https://localhost:9443/${reg.tenants[0]?.id ?? ''}`,
      knownAuthorities: ['localhost:9443'],
      scopes: ['api://bff/access_as_user'],
    });
    expect(config.bffUrl).toBe('http://localhost:3000');
  });

  it('lists the demo users without their passwords and names every client id', () => {
    expect(config.demoUsers.map((u) => u.role)).toEqual(['broker', 'broker', 'underwriter']);
    expect(JSON.stringify(config)).not.toMatch(/Passw0rd|secret/i);
    expect(Object.values(config.applications)).toContain('pricing-service');
  });
});

/** A small tenant of `kind`: the SPA, the BFF it calls, one local user and (B2C) one Google user. */
function tenantOf(kind: 'external-id' | 'b2c'): Registrations {
  const b2c = kind === 'b2c';
  const yaml = `
tenants:
  - name: contoso-${kind}
    id: 7e3a1c52-0f4b-4d8e-9a6c-2b1d0e9f8a77
    domain: contoso${b2c ? 'b2c' : 'ext'}.onmicrosoft.com
    kind: ${kind}
${b2c ? '    policies: [B2C_1_signupsignin, { name: B2C_1_mfa, mfa: true }]\n    identityProviders: [google.com]' : ''}
applications:
  - name: web
    displayName: SPA
    clientId: 0b7c2f9e-1a4d-4e8b-9c3f-6d5e4a3b2c99
    type: spa
    requiredResourceAccess: [{ resource: bff, delegated: [access_as_user] }]
  - name: bff
    displayName: BFF
    clientId: 1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d99
    type: confidential
    identifierUris: [${b2c ? 'https://contosob2c.onmicrosoft.com/bff' : 'api://bff'}]
    scopes: [access_as_user]
users:
  - username: alice@example.com
    displayName: Alice Broker
    oid: a11ce5e0-7a1b-4c2d-8e3f-000000000a99
    password: not-used
    attributes: { role: broker }
${b2c ? '  - { username: dana@example.com, displayName: Dana, oid: da4a5e0e-7a1b-4c2d-8e3f-000000000d99, password: not-used, identityProvider: google.com, customAttributes: { Roles: Broker } }' : ''}
`;
  return parseRegistrations(yaml, `/fixtures/registrations.${kind}.yaml`);
}

describe('spaConfigFromRegistrations per identity mode', () => {
  const env = loadWebEnv({ EMULATOR_PUBLIC_URL: 'https://localhost:9443' });
  const tid = '7e3a1c52-0f4b-4d8e-9a6c-2b1d0e9f8a77';

  it('trusts the ciamlogin issuer host of an External ID tenant besides the emulator', () => {
    const config = spaConfigFromRegistrations(tenantOf('external-id'), env);
    expect(config.identityMode).toBe('external-id');
    expect(config.auth).toMatchObject({
      authority: `https://localhost:9443/${tid}`,
      knownAuthorities: ['localhost:9443', `${tid}.ciamlogin.com`],
      scopes: ['api://bff/access_as_user'],
    });
    expect(config.auth.stepUpAuthority).toBeUndefined();
  });

  it('signs in to a B2C tenant through its sign-in user flow and steps up through its MFA user flow', () => {
    const config = spaConfigFromRegistrations(tenantOf('b2c'), env);
    expect(config.identityMode).toBe('b2c');
    expect(config.auth).toMatchObject({
      authority: 'https://localhost:9443/contosob2c.onmicrosoft.com/B2C_1_signupsignin',
      stepUpAuthority: 'https://localhost:9443/contosob2c.onmicrosoft.com/B2C_1_mfa',
      knownAuthorities: ['localhost:9443'],
      scopes: ['https://contosob2c.onmicrosoft.com/bff/access_as_user'],
    });
  });

  it('offers the social user with the identity provider she signs in with', () => {
    const config = spaConfigFromRegistrations(tenantOf('b2c'), env);
    expect(config.demoUsers).toEqual([
      {
        username: 'alice@example.com',
        oid: 'a11ce5e0-7a1b-4c2d-8e3f-000000000a99',
        displayName: 'Alice Broker',
        role: 'broker',
      },
      {
        username: 'dana@example.com',
        oid: 'da4a5e0e-7a1b-4c2d-8e3f-000000000d99',
        displayName: 'Dana',
        role: 'broker',
        identityProvider: 'google.com',
      },
    ]);
  });
});

describe('spaConfigFromEnv', () => {
  it('takes a real tenant from WEB_* variables and offers no demo users', () => {
    const env = loadWebEnv({
      WEB_CLIENT_ID: 'spa-id',
      WEB_AUTHORITY: 'https://login.microsoftonline.com/tid/',
      WEB_API_SCOPES: 'api://bff-id/access_as_user',
      BFF_URL: 'https://bff.example.com',
    });
    expect(spaConfigFromEnv({ ...env, WEB_CLIENT_ID: 'spa-id' })).toEqual({
      identityMode: 'entra',
      auth: {
        clientId: 'spa-id',
        authority: 'https://login.microsoftonline.com/tid',
        knownAuthorities: [],
        scopes: ['api://bff-id/access_as_user'],
      },
      bffUrl: 'https://bff.example.com',
      applications: {},
      demoUsers: [],
    });
  });
});

describe('spaConfigFromEnv for customer tenants', () => {
  it('takes a real External ID tenant by its ciamlogin authority, with no known authorities to add', () => {
    const env = loadWebEnv({
      IDENTITY_MODE: 'external-id',
      WEB_CLIENT_ID: 'spa-id',
      WEB_AUTHORITY: 'https://contosoext.ciamlogin.com/',
      WEB_API_SCOPES: 'api://bff-id/access_as_user',
    });
    expect(spaConfigFromEnv({ ...env, WEB_CLIENT_ID: 'spa-id' })).toMatchObject({
      identityMode: 'external-id',
      auth: { authority: 'https://contosoext.ciamlogin.com', knownAuthorities: [] },
    });
  });

  it('takes a real B2C tenant by its user flows and trusts its b2clogin host', () => {
    const env = loadWebEnv({
      IDENTITY_MODE: 'b2c',
      WEB_CLIENT_ID: 'spa-id',
      WEB_AUTHORITY: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_signupsignin',
      WEB_STEP_UP_AUTHORITY: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_mfa/',
      WEB_API_SCOPES: 'https://contosob2c.onmicrosoft.com/bff/access_as_user',
    });
    expect(spaConfigFromEnv({ ...env, WEB_CLIENT_ID: 'spa-id' })).toMatchObject({
      identityMode: 'b2c',
      auth: {
        authority: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_signupsignin',
        stepUpAuthority: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_mfa',
        knownAuthorities: ['contosob2c.b2clogin.com'],
        scopes: ['https://contosob2c.onmicrosoft.com/bff/access_as_user'],
      },
    });
  });
});
