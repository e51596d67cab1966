import { TenantKind } from '@chain/local-tenant';

import type { SigningKeyStore } from '../keys/signing-key-store';
import { type AppView, pairwiseSubject } from '../tenant/directory';
import { opaque, signJwt } from './jwt';

/** How the client authenticated: Entra's `azpacr` (0 public, 1 secret, 2 certificate). */
export const ClientAuthMethod = { None: '0', Secret: '1', Certificate: '2' } as const;
export type ClientAuthMethod = (typeof ClientAuthMethod)[keyof typeof ClientAuthMethod];

/** Where a token is issued: an Entra ID or External ID tenant, or a B2C tenant under a user flow (policy). */
export interface Realm {
  readonly tid: string;
  readonly kind: TenantKind;
  /** B2C policy (user flow); absent for the other kinds. */
  readonly policy?: string;
}

/** The realm of a tenant, under the B2C user flow of the request path when there is one. */
export function realmOf(tenant: { readonly id: string; readonly kind: TenantKind }, policy?: string): Realm {
  return policy === undefined
    ? { tid: tenant.id, kind: tenant.kind }
    : { tid: tenant.id, kind: tenant.kind, policy };
}

/** The signed-in user a delegated token speaks for. */
export interface UserSubject {
  readonly oid: string;
  readonly name: string;
  readonly username: string;
  /** Authentication methods (`pwd`, `mfa`). */
  readonly amr: readonly string[];
  /** Auth contexts satisfied (`c1` after a second factor). */
  readonly acrs: readonly string[];
  /**
   * B2C: what the user flow returns besides the standard claims: `idp` for a social account,
   * `extension_<Name>` for each custom attribute.
   */
  readonly userFlowClaims?: Readonly<Record<string, string>>;
}

export interface TokenFactoryOptions {
  readonly keys: SigningKeyStore;
  readonly issuerFor: (tid: string) => string;
  readonly accessTokenLifetimeSeconds: number;
  readonly nowSeconds: () => number;
}

export interface UserTokenInput {
  readonly realm: Realm;
  readonly client: AppView;
  readonly clientAuth: ClientAuthMethod;
  readonly resource: AppView;
  readonly user: UserSubject;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/**
 * Builds and signs access and id tokens: Entra v2 shapes; External ID the same without `idtyp` (an optional
 * claim its app registrations cannot turn on); B2C shapes (`ver` 1.0, `tfp`, `sub` = object id, application
 * permissions in `scp`, the user flow's `idp` and `extension_*` claims). docs/emulator.md lists each source.
 */
export class TokenFactory {
  constructor(private readonly options: TokenFactoryOptions) {}

  get lifetimeSeconds(): number {
    return this.options.accessTokenLifetimeSeconds;
  }

  /** A delegated (user) access token: `scp`, the user's roles on the resource, `idtyp: user`. */
  userAccessToken(input: UserTokenInput): string {
    const { user, resource, realm } = input;
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, resource.clientId),
      ...this.userClaims(realm, user, resource.clientId),
      azp: input.client.clientId,
      scp: input.scopes.join(' '),
    };
    if (realm.kind !== TenantKind.B2c) {
      Object.assign(claims, { azpacr: input.clientAuth, ...idtyp(realm, 'user'), amr: [...user.amr] });
      if (user.acrs.length > 0) claims['acrs'] = [...user.acrs];
    }
    if (input.roles.length > 0) claims['roles'] = [...input.roles];
    return signJwt(claims, this.options.keys.active());
  }

  /** An app-only access token (client credentials): `oid` = `sub` = service principal; `roles` (B2C: `scp`). */
  appAccessToken(
    realm: Realm,
    client: AppView,
    clientAuth: ClientAuthMethod,
    resource: AppView,
    roles: readonly string[],
  ): string {
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, resource.clientId),
      azp: client.clientId,
      oid: client.servicePrincipalId,
      sub: client.servicePrincipalId,
    };
    if (realm.kind === TenantKind.B2c) {
      if (roles.length > 0) claims['scp'] = roles.join(' ');
    } else {
      Object.assign(claims, { azpacr: clientAuth, ...idtyp(realm, 'app') });
      if (roles.length > 0) claims['roles'] = [...roles];
    }
    return signJwt(claims, this.options.keys.active());
  }

  /** An id token for the client, with `nonce` when the authorize request had one. */
  idToken(
    realm: Realm,
    client: AppView,
    user: UserSubject,
    extra: { nonce?: string; email?: boolean },
  ): string {
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, client.clientId),
      ...this.userClaims(realm, user, client.clientId),
    };
    if (extra.nonce !== undefined) claims['nonce'] = extra.nonce;
    if (extra.email === true && realm.kind !== TenantKind.B2c) claims['email'] = user.username;
    return signJwt(claims, this.options.keys.active());
  }

  private userClaims(realm: Realm, user: UserSubject, appClientId: string): Record<string, unknown> {
    if (realm.kind === TenantKind.B2c) {
      return {
        sub: user.oid,
        oid: user.oid,
        name: user.name,
        emails: [user.username],
        auth_time: this.options.nowSeconds(),
        ...user.userFlowClaims,
      };
    }
    return {
      sub: pairwiseSubject(user.oid, appClientId),
      oid: user.oid,
      name: user.name,
      preferred_username: user.username,
    };
  }

  private envelope(realm: Realm, aud: string): Record<string, unknown> {
    const now = this.options.nowSeconds();
    const common = {
      aud,
      iss: this.options.issuerFor(realm.tid),
      iat: now,
      nbf: now,
      exp: now + this.options.accessTokenLifetimeSeconds,
      tid: realm.tid,
    };
    if (realm.kind === TenantKind.B2c) return { ...common, ver: '1.0', tfp: realm.policy };
    return { ...common, aio: opaque(24), rh: `0.${opaque(16)}.`, uti: opaque(16), ver: '2.0' };
  }
}

/**
 * `idtyp` (Entra's optional claim, which the emulator's Entra APIs are taken to have turned on for user and
 * app tokens). External ID: none — its app registrations configure token claims only through "Attributes &
 * claims" (Microsoft Learn, "Supported features in workforce and external tenants").
 */
function idtyp(realm: Realm, value: 'user' | 'app'): Record<string, string> {
  return realm.kind === TenantKind.ExternalId ? {} : { idtyp: value };
}

/**
 * MSAL's `client_info`: base64url of `{"uid":oid,"utid":tid}` (ENTRA.md §9.5); for B2C the uid is
 * `<oid>-<policy>` in lower case (ENTRA.md §6).
 */
export function clientInfo(oid: string, realm: Realm): string {
  const uid = realm.policy === undefined ? oid : `${oid}-${realm.policy}`.toLowerCase();
  return Buffer.from(JSON.stringify({ uid, utid: realm.tid })).toString('base64url');
}
