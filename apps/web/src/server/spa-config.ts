import type { Registrations } from '@chain/local-tenant';

import type { SpaConfig } from '../shared/spa-config';
import type { WebEnv } from './web.config';

/** The name of the SPA's registration in registrations.yaml. */
export const WEB_APP_NAME = 'web';

/**
 * Derives the SPA's runtime configuration from the local registrations: the `web` client id, its tenant's
 * authority on the emulator, and one scope per delegated permission it requires (`<App ID URI>/<scope>`).
 */
export function spaConfigFromRegistrations(reg: Registrations, env: WebEnv): SpaConfig {
  const web = reg.applications.find((a) => a.name === WEB_APP_NAME);
  if (web === undefined) throw new Error(`registrations: no application named "${WEB_APP_NAME}"`);
  const tenant = reg.tenants.find((t) => t.name === web.tenant) ?? reg.tenants[0];
  if (tenant === undefined) throw new Error('registrations: no tenant');
  const scopes = web.requiredResourceAccess.flatMap((access) => {
    const resource = reg.applications.find((a) => a.name === access.resource);
    const uri = resource?.identifierUris[0] ?? `api://${resource?.clientId ?? access.resource}`;
    return access.delegated.map((scope) => `${uri}/${scope}`);
  });
  const emulator = new URL(env.EMULATOR_PUBLIC_URL);
  return {
    auth: {
      clientId: web.clientId,
      authority: `${emulator.origin}/${tenant.id}`,
      knownAuthorities: [emulator.host],
      ...(env.WEB_REDIRECT_URI === undefined ? {} : { redirectUri: env.WEB_REDIRECT_URI }),
      scopes,
    },
    bffUrl: trimSlash(env.BFF_URL),
    tenantName: tenant.name,
    applications: Object.fromEntries(reg.applications.map((a) => [a.clientId, a.name])),
    demoUsers: reg.users
      .filter((u) => (u.tenant ?? tenant.name) === tenant.name)
      .map((u) => ({
        username: u.username,
        displayName: u.displayName,
        role: u.attributes['role'] ?? 'user',
      })),
    emulatorUrl: emulator.origin,
  };
}

/** The configuration for a real Entra or B2C tenant, given entirely by `WEB_*` variables. */
export function spaConfigFromEnv(env: WebEnv & { WEB_CLIENT_ID: string }): SpaConfig {
  const authority = trimSlash(env.WEB_AUTHORITY ?? '');
  return {
    auth: {
      clientId: env.WEB_CLIENT_ID,
      authority,
      knownAuthorities: env.WEB_KNOWN_AUTHORITIES ?? [],
      ...(env.WEB_REDIRECT_URI === undefined ? {} : { redirectUri: env.WEB_REDIRECT_URI }),
      scopes: (env.WEB_API_SCOPES ?? '').split(/\s+/).filter((s) => s.length > 0),
    },
    bffUrl: trimSlash(env.BFF_URL),
    applications: {},
    demoUsers: [],
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
