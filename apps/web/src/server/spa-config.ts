import {
  applicationFor,
  identityEndpoints,
  IdentityMode,
  type Registrations,
  type UserRegistration,
} from '@chain/local-tenant';

import type { DemoUser, SpaConfig } from '../shared/spa-config';
import type { WebEnv } from './web.config';

/** The part the SPA's registration plays in registrations.yaml (its `role`, or its name). */
export const WEB_APP_NAME = 'web';

/**
 * Derives the SPA's runtime configuration from the local registrations: the `web` client id, its tenant's
 * authorities on the emulator as `identityEndpoints` gives them for the tenant's kind (B2C: the sign-in
 * and the MFA user flows), and one scope per delegated permission it requires (`<App ID URI>/<scope>`).
 */
export function spaConfigFromRegistrations(reg: Registrations, env: WebEnv): SpaConfig {
  // The application that plays the SPA (`role: web`), whatever the file names it.
  const web = applicationFor(reg, WEB_APP_NAME);
  const tenant = reg.tenants.find((t) => t.name === web.tenant) ?? reg.tenants[0];
  if (tenant === undefined) throw new Error('registrations: no tenant');
  const scopes = web.requiredResourceAccess.flatMap((access) => {
    const resource = reg.applications.find((a) => a.name === access.resource);
    const uri = resource?.identifierUris[0] ?? `api://${resource?.clientId ?? access.resource}`;
    return access.delegated.map((scope) => `${uri}/${scope}`);
  });
  const emulator = new URL(env.EMULATOR_PUBLIC_URL);
  const identity = identityEndpoints(tenant, { publicUrl: emulator.origin });
  return {
    identityMode: tenant.kind,
    auth: {
      clientId: web.clientId,
      authority: identity.spaAuthority,
      ...(identity.stepUpAuthority === undefined ? {} : { stepUpAuthority: identity.stepUpAuthority }),
      knownAuthorities: [...identity.knownAuthorities],
      ...(env.WEB_REDIRECT_URI === undefined ? {} : { redirectUri: env.WEB_REDIRECT_URI }),
      scopes,
    },
    bffUrl: trimSlash(env.BFF_URL),
    tenantName: tenant.name,
    applications: Object.fromEntries(reg.applications.map((a) => [a.clientId, a.name])),
    demoUsers: reg.users.filter((u) => (u.tenant ?? tenant.name) === tenant.name).map(demoUser),
    emulatorUrl: emulator.origin,
  };
}

/** A sign-in shortcut: no password; the role from `attributes.role` (B2C: the `Roles` custom attribute). */
function demoUser(user: UserRegistration): DemoUser {
  const role = user.attributes['role'] ?? user.customAttributes['Roles']?.toLowerCase() ?? 'user';
  return {
    username: user.username,
    oid: user.oid,
    displayName: user.displayName,
    role,
    ...(user.identityProvider === undefined ? {} : { identityProvider: user.identityProvider }),
  };
}

/**
 * The configuration for a real tenant, given entirely by `WEB_*` variables (checked against the identity
 * mode by `loadWebEnv`). B2C: the b2clogin host is always a known authority (MSAL cannot discover it).
 */
export function spaConfigFromEnv(env: WebEnv & { WEB_CLIENT_ID: string }): SpaConfig {
  const authority = trimSlash(env.WEB_AUTHORITY ?? '');
  const b2c = env.IDENTITY_MODE === IdentityMode.B2c;
  const known = [...(env.WEB_KNOWN_AUTHORITIES ?? []), ...(b2c ? [new URL(authority).host] : [])];
  const stepUp = b2c ? env.WEB_STEP_UP_AUTHORITY : undefined;
  return {
    identityMode: env.IDENTITY_MODE,
    auth: {
      clientId: env.WEB_CLIENT_ID,
      authority,
      ...(stepUp === undefined ? {} : { stepUpAuthority: trimSlash(stepUp) }),
      knownAuthorities: [...new Set(known)],
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
