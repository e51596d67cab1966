import { createHash, type KeyObject, X509Certificate } from 'node:crypto';

import {
  type ApplicationRegistration,
  type PolicyRegistration,
  type Registrations,
  TenantKind,
  type TenantRegistration,
  type UserRegistration,
} from '@chain/local-tenant';

/** A registered certificate credential, indexed by both thumbprints MSAL may send (`x5t`, `x5t#S256`). */
export interface CertificateCredential {
  readonly x5t: string;
  readonly x5tS256: string;
  readonly publicKey: KeyObject;
}

/** An application registration with what token requests need precomputed. */
export interface AppView {
  readonly reg: ApplicationRegistration;
  readonly clientId: string;
  readonly name: string;
  readonly servicePrincipalId: string;
  readonly isPublic: boolean;
  readonly certificates: readonly CertificateCredential[];
}

export interface TenantView {
  readonly reg: TenantRegistration;
  readonly id: string;
  readonly kind: TenantKind;
  readonly isB2c: boolean;
  readonly apps: readonly AppView[];
  readonly users: readonly UserRegistration[];
}

/** The registrations indexed for lookups (built once at start). */
export class Directory {
  private readonly tenantsByKey = new Map<string, TenantView>();
  private readonly appsByClientId = new Map<string, AppView>();
  private readonly appsByName = new Map<string, AppView>();
  private readonly appsByUri = new Map<string, AppView>();
  private readonly usersByName = new Map<string, UserRegistration>();
  private readonly usersByOid = new Map<string, UserRegistration>();

  constructor(readonly registrations: Registrations) {
    const firstTenant = registrations.tenants[0]?.name;
    for (const tenantReg of registrations.tenants) {
      const apps = registrations.applications
        .filter((a) => (a.tenant ?? firstTenant) === tenantReg.name)
        .map(toAppView);
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
      }
    }
  }

  tenants(): TenantView[] {
    return [...new Set(this.tenantsByKey.values())];
  }

  /** A tenant by GUID or verified domain (case-insensitive), as Entra accepts both in paths. */
  tenant(key: string): TenantView | undefined {
    return this.tenantsByKey.get(key.toLowerCase());
  }

  app(clientId: string): AppView | undefined {
    return this.appsByClientId.get(clientId.toLowerCase());
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

function toAppView(reg: ApplicationRegistration): AppView {
  return {
    reg,
    clientId: reg.clientId.toLowerCase(),
    name: reg.name,
    servicePrincipalId: reg.servicePrincipalId ?? guidFrom(`service-principal:${reg.clientId.toLowerCase()}`),
    isPublic: reg.type === 'spa',
    certificates: reg.certificates.flatMap((c) => (c.pem === undefined ? [] : [toCertificate(c.pem)])),
  };
}

function toCertificate(pem: string): CertificateCredential {
  const cert = new X509Certificate(pem);
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    publicKey: cert.publicKey,
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
