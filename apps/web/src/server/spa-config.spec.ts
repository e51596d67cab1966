import { loadRegistrations } from '@chain/local-tenant';

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

describe('spaConfigFromEnv', () => {
  it('takes a real tenant from WEB_* variables and offers no demo users', () => {
    const env = loadWebEnv({
      WEB_CLIENT_ID: 'spa-id',
      WEB_AUTHORITY: 'https://login.microsoftonline.com/tid/',
      WEB_API_SCOPES: 'api://bff-id/access_as_user',
      BFF_URL: 'https://bff.example.com',
    });
    expect(spaConfigFromEnv({ ...env, WEB_CLIENT_ID: 'spa-id' })).toEqual({
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
