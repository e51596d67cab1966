import { createHash, type KeyObject, X509Certificate } from 'node:crypto';

import {
  type ApplicationRegistration,
  ApplicationType,
  type CertificateRegistration,
  type PolicyRegistration,
  type Registrations,
  TenantKind,
  type TenantRegistration,
  type UserRegistration,
} from '@chain/local-tenant';

/**
 * A registered certificate credential, indexed by both thumbprints MSAL may send (`x5t`, `x5t#S256`), with
 * its validity window (the registration's dates, else the certificate's own).
 */
export interface CertificateCredential {
  readonly x5t: string;
  readonly x5tS256: string;
  readonly publicKey: KeyObject;
  readonly validFromMs: number;
  readonly validToMs: number;
}

/** An application registration with what token requests need precomputed. */
export interface AppView {
  readonly reg: ApplicationRegistration;
  readonly clientId: string;
  readonly name: string;
  readonly servicePrincipalId: string;
  /** A SPA or a "mobile and desktop" app: no credential. */
  readonly isPublic: boolean;
  readonly isSpa: boolean;
  /** Tenant id (lower case) of the tenant the app is registered in. */
  readonly homeTenantId: string;
  /** `signInAudience: AzureADMultipleOrgs`: usable in every Entra tenant of the file. */
  readonly multiTenant: boolean;
  /** Version of the access tokens issued for this app as a resource (1 only in Entra tenants). */
  readonly tokenVersion: 1 | 2;
  readonly certificates: readonly CertificateCredential[];
}

/**
 * Entra's tenant-independent authorities: `organizations` (any work or school account), `common` (the same,
 * here: personal accounts are not modelled) and `consumers` (personal accounts only: refused).
 */
export const MultiTenantAuthority = {
  Common: 'common',
  Organizations: 'organizations',
  Consumers: 'consumers',
} as const;
export type MultiTenantAuthority = (typeof MultiTenantAuthority)[keyof typeof MultiTenantAuthority];

export interface TenantView {
  readonly reg: TenantRegistration;
  readonly id: string;
  readonly kind: TenantKind;
  readonly isB2c: boolean;
  /** Apps registered in this tenant (multi-tenant apps of other tenants: {@link Directory.appIn}). */
  readonly apps: readonly AppView[];
  readonly users: readonly UserRegistration[];
  /** Set on the view of `/common`, `/organizations` or `/consumers`, which stands for no single tenant. */
  readonly authority?: MultiTenantAuthority;
}

/**
 * The registrations indexed for lookups: built at start, and rebuilt by {@link replace} when Microsoft
 * Graph calls change the tenant (src/graph), so the token grants see the new registrations at once.
 */
export class Directory {
  private readonly tenantsByKey = new Map<string, TenantView>();
  private readonly appsByClientId = new Map<string, AppView>();
  private readonly appsByName = new Map<string, AppView>();
  private readonly appsByUri = new Map<string, AppView>();
  private readonly usersByName = new Map<string, UserRegistration>();
  private readonly usersByOid = new Map<string, UserRegistration>();
  private readonly homeOfUser = new Map<UserRegistration, TenantView>();

  private current: Registrations;

  constructor(registrations: Registrations) {
    this.current = registrations;
    this.index(registrations);
  }

  /** The registrations served now. */
  get registrations(): Registrations {
    return this.current;
  }

  /** Serves `registrations` from now on (each request reads the directory afresh). */
  replace(registrations: Registrations): void {
    for (const map of [
      this.tenantsByKey,
      this.appsByClientId,
      this.appsByName,
      this.appsByUri,
      this.usersByName,
      this.usersByOid,
      this.homeOfUser,
    ])
      map.clear();
    this.current = registrations;
    this.index(registrations);
  }

  private index(registrations: Registrations): void {
    const firstTenant = registrations.tenants[0]?.name;
    for (const tenantReg of registrations.tenants) {
      const apps = registrations.applications
        .filter((a) => (a.tenant ?? firstTenant) === tenantReg.name)
        .map((a) => toAppView(a, tenantReg));
      const users = registrations.users.filter((u) => (u.tenant ?? firstTenant) === tenantReg.name);
      const tenant: TenantView = {
        reg: tenantReg,
        id: tenantReg.id.toLowerCase(),
        kind: tenantReg.kind,
        isB2c: tenantReg.kind === TenantKind.B2c,
        apps,
        users,
      };
      this.tenantsByKey.set(tenant.id, tenant);
      this.tenantsByKey.set(tenantReg.domain.toLowerCase(), tenant);
      for (const app of apps) this.indexApp(app);
      for (const user of users) {
        this.usersByName.set(user.username.toLowerCase(), user);
        this.usersByOid.set(user.oid.toLowerCase(), user);
        this.homeOfUser.set(user, tenant);
      }
    }
    // Entra's tenant-independent authorities exist where there is an Entra (workforce) tenant.
    if (this.tenants().some((t) => t.kind === TenantKind.Entra)) {
      for (const authority of Object.values(MultiTenantAuthority))
        this.tenantsByKey.set(authority, multiTenantView(authority));
    }
  }

  /** The registered tenants (not the `/common`-style authorities). */
  tenants(): TenantView[] {
    return [...new Set(this.tenantsByKey.values())].filter((t) => t.authority === undefined);
  }

  /**
   * A tenant by GUID or verified domain (case-insensitive), as Entra accepts both in paths; or the view of
   * `common`, `organizations`, `consumers` when the file has an Entra tenant.
   */
  tenant(key: string): TenantView | undefined {
    return this.tenantsByKey.get(key.toLowerCase());
  }

  /** The tenant a user is a member of. */
  homeTenant(user: UserRegistration): TenantView {
    return this.homeOfUser.get(user) as TenantView;
  }

  app(clientId: string): AppView | undefined {
    return this.appsByClientId.get(clientId.toLowerCase());
  }

  /**
   * The app if it can be used in `tenant`: registered there, or multi-tenant and `tenant` an Entra tenant
   * (its service principal is taken to be provisioned there, with the consents of its home registration).
   */
  appIn(tenant: TenantView, clientId: string): AppView | undefined {
    const app = this.app(clientId);
    return app !== undefined && availableIn(app, tenant) ? app : undefined;
  }

  /** {@link resource} restricted to what `tenant` has a service principal for (see {@link appIn}). */
  resourceIn(tenant: TenantView, identifier: string): AppView | undefined {
    const app = this.resource(identifier);
    return app !== undefined && availableIn(app, tenant) ? app : undefined;
  }

  /**
   * The user who may sign in with `username` at `tenant`: a member of it; at `/organizations` or `/common`,
   * a member of any Entra tenant.
   */
  userIn(tenant: TenantView, username: string): UserRegistration | undefined {
    const user = this.user(username);
    if (user === undefined) return undefined;
    if (tenant.authority === undefined) return tenant.users.includes(user) ? user : undefined;
    const home = this.homeTenant(user);
    return tenant.authority !== MultiTenantAuthority.Consumers && home.kind === TenantKind.Entra
      ? user
      : undefined;
  }

  appByName(name: string): AppView | undefined {
    return this.appsByName.get(name);
  }

  /** Resolves a resource identifier: an App ID URI, the client id GUID, or `api://<client id>`. */
  resource(identifier: string): AppView | undefined {
    const key = identifier.replace(/\/+$/, '');
    return (
      this.appsByUri.get(key) ??
      this.appsByUri.get(key.toLowerCase()) ??
      this.app(key.replace(/^api:\/\//i, ''))
    );
  }

  user(username: string): UserRegistration | undefined {
    return this.usersByName.get(username.trim().toLowerCase());
  }

  userByOid(oid: string): UserRegistration | undefined {
    return this.usersByOid.get(oid.toLowerCase());
  }

  private indexApp(app: AppView): void {
    this.appsByClientId.set(app.clientId, app);
    this.appsByName.set(app.name, app);
    for (const uri of app.reg.identifierUris) {
      this.appsByUri.set(uri, app);
      this.appsByUri.set(uri.toLowerCase(), app);
    }
  }
}

/** A B2C user flow of the tenant by name (case-insensitive, as B2C matches policy names), if registered. */
export function userFlow(tenant: TenantView, name: string | undefined): PolicyRegistration | undefined {
  if (name === undefined) return undefined;
  return tenant.reg.policies.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

function availableIn(app: AppView, tenant: TenantView): boolean {
  if (tenant.authority !== undefined) return app.multiTenant;
  return app.homeTenantId === tenant.id || (app.multiTenant && tenant.kind === TenantKind.Entra);
}

function multiTenantView(authority: MultiTenantAuthority): TenantView {
  return {
    reg: {
      name: authority,
      id: authority,
      domain: authority,
      kind: TenantKind.Entra,
      policies: [],
      identityProviders: [],
    },
    id: authority,
    kind: TenantKind.Entra,
    isB2c: false,
    apps: [],
    users: [],
    authority,
  };
}

function toAppView(reg: ApplicationRegistration, tenant: TenantRegistration): AppView {
  const entra = tenant.kind === TenantKind.Entra;
  return {
    reg,
    clientId: reg.clientId.toLowerCase(),
    name: reg.name,
    servicePrincipalId: reg.servicePrincipalId ?? guidFrom(`service-principal:${reg.clientId.toLowerCase()}`),
    isPublic: reg.type !== ApplicationType.Confidential,
    isSpa: reg.type === ApplicationType.Spa,
    homeTenantId: tenant.id.toLowerCase(),
    multiTenant: entra && reg.signInAudience === 'AzureADMultipleOrgs',
    // Entra's default (null) is v1; External ID and B2C keep their own (v2-shaped, B2C's ver 1.0) tokens.
    tokenVersion: entra && reg.accessTokenAcceptedVersion !== 2 ? 1 : 2,
    certificates: reg.certificates.flatMap((c) => (c.pem === undefined ? [] : [toCertificate(c)])),
  };
}

function toCertificate(registration: CertificateRegistration): CertificateCredential {
  const cert = new X509Certificate(registration.pem as string);
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    publicKey: cert.publicKey,
    validFromMs: Date.parse(registration.startDateTime ?? cert.validFrom),
    validToMs: Date.parse(registration.endDateTime ?? cert.validTo),
  };
}

/** A stable GUID-shaped id derived from a seed (service principal ids, pairwise subjects). */
export function guidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Entra's pairwise `sub`: the same user gets a different, stable subject per application. */
export function pairwiseSubject(oid: string, appClientId: string): string {
  return createHash('sha256')
    .update(`${oid.toLowerCase()}|${appClientId.toLowerCase()}`)
    .digest('base64url')
    .slice(0, 43);
}
