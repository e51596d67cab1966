import {
  applicationFor,
  type ApplicationRegistration,
  type Registrations,
  signInPolicyOf,
  TenantKind,
  type UserRegistration,
} from '@chain/local-tenant';

/** Where to sign in: the emulator as clients see it, trusted through its CA. A started chain is one. */
export interface IdentityTarget {
  /** The emulator's public URL (issuer host), e.g. `https://localhost:8443`. */
  readonly emulatorUrl: string;
  readonly tenantId: string;
  /** PEM of the emulator's CA: trusted explicitly for this sign-in only. */
  readonly caPem: string;
  readonly registrations: Registrations;
}

/**
 * The authority the sign-in uses: `<emulator>/<tenant>`, or on a B2C tenant `<emulator>/<tenant>/<user flow>`
 * (the tenant as the target names it: B2C accepts its GUID as well as its domain).
 */
export function authorityOf(target: IdentityTarget, policy: string | undefined): string {
  const { tenants } = target.registrations;
  const tenant = tenants.find((t) => t.id.toLowerCase() === target.tenantId.toLowerCase()) ?? tenants[0];
  const base = `${target.emulatorUrl}/${target.tenantId}`;
  if (tenant?.kind !== TenantKind.B2c) return base;
  return `${base}/${policy ?? signInPolicyOf(tenant).name}`;
}

/** The client's first delegated permission, as a scope of its resource's first App ID URI. */
export function defaultScopes(registrations: Registrations, client: ApplicationRegistration): string[] {
  const access = client.requiredResourceAccess.find((a) => a.delegated.length > 0);
  const resource = registrations.applications.find((a) => a.name === access?.resource);
  if (access === undefined || resource === undefined) return ['api://bff/access_as_user'];
  return [`${resource.identifierUris[0] ?? `api://${resource.clientId}`}/${access.delegated[0] as string}`];
}

/** `alice`, `dana` (for `dana.broker@…`) or a full username → the registered user. */
export function findUser(registrations: Registrations, user: string): UserRegistration {
  const wanted = user.toLowerCase();
  const found = registrations.users.find((u) => {
    const name = u.username.toLowerCase();
    return name === wanted || name.startsWith(`${wanted}@`) || name.startsWith(`${wanted}.`);
  });
  if (found === undefined) throw new Error(`no user ${user} in the registrations`);
  return found;
}

/**
 * An application of the registrations by the part it plays (`web`, `bff`, …; its `role`), else by name:
 * a tenant file may name its applications as it likes.
 */
export function findClient(registrations: Registrations, name: string): ApplicationRegistration {
  return applicationFor(registrations, name);
}
