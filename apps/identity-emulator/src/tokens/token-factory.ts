import { TenantKind } from '@chain/local-tenant';

import type { SigningKeyStore } from '../keys/signing-key-store';
import { type AppView, pairwiseSubject } from '../tenant/directory';
import { opaque, signJwt } from './jwt';
import { optionalClaimValues, usesGuidAudience } from './optional-claims';

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
  /** Two-letter country code (the `ctry` optional claim), when the user has one. */
  readonly country?: string;
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
  /** The resource as the client named it in `scope` (the `aud` of a v1 token). Default: its App ID URI. */
  readonly resourceIdentifier?: string;
  /** Client capabilities asked for in `claims` (the `xms_cc` optional claim). */
  readonly capabilities?: readonly string[];
}

/** What an app-only token may depend on beyond client, resource and roles. */
export interface AppTokenExtras {
  readonly resourceIdentifier?: string;
  readonly capabilities?: readonly string[];
}

/** The issuer of Entra v1 access tokens (Microsoft Learn, "Access tokens": `https://sts.windows.net/{tid}/`). */
export function v1Issuer(tid: string): string {
  return `https://sts.windows.net/${tid}/`;
}

/**
 * Builds and signs access and id tokens: Entra v2 shapes, or v1 shapes for an Entra API that accepts v1
 * tokens (`accessTokenAcceptedVersion` 1 or null); External ID as Entra v2; the optional claims each
 * application configured (`idtyp`, `xms_cc`, …); B2C shapes (`ver` 1.0, `tfp`, `sub` = object id,
 * application permissions in `scp`, the user flow's `idp` and `extension_*` claims). docs/emulator.md lists
 * each source.
 */
export class TokenFactory {
  constructor(private readonly options: TokenFactoryOptions) {}

  get lifetimeSeconds(): number {
    return this.options.accessTokenLifetimeSeconds;
  }

  /** A delegated (user) access token: `scp`, the user's roles on the resource, `amr`, `acrs`. */
  userAccessToken(input: UserTokenInput): string {
    const { user, resource, realm } = input;
    if (realm.kind === TenantKind.B2c) return this.b2cUserAccessToken(input);
    const v1 = isV1(realm, resource);
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, v1 ? v1Audience(resource, input.resourceIdentifier) : resource.clientId, v1),
      ...(v1 ? v1UserClaims(user, resource.clientId) : this.userClaims(realm, user, resource.clientId)),
      ...callerClaims(input.client.clientId, input.clientAuth, v1),
      scp: input.scopes.join(' '),
      amr: [...user.amr],
    };
    if (user.acrs.length > 0) claims['acrs'] = [...user.acrs];
    if (input.roles.length > 0) claims['roles'] = [...input.roles];
    Object.assign(
      claims,
      optionalClaimValues(resource.reg.optionalClaims.accessToken, {
        subject: 'user',
        user,
        capabilities: input.capabilities,
      }),
    );
    return this.sign(claims, v1);
  }

  /** An app-only access token (client credentials): `oid` = `sub` = service principal; `roles` (B2C: `scp`). */
  appAccessToken(
    realm: Realm,
    client: AppView,
    clientAuth: ClientAuthMethod,
    resource: AppView,
    roles: readonly string[],
    extras: AppTokenExtras = {},
  ): string {
    const v1 = isV1(realm, resource);
    const aud = v1 ? v1Audience(resource, extras.resourceIdentifier) : resource.clientId;
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, aud, v1),
      ...(v1 ? { idp: v1Issuer(realm.tid) } : {}),
      ...(realm.kind === TenantKind.B2c
        ? { azp: client.clientId }
        : callerClaims(client.clientId, clientAuth, v1)),
      oid: client.servicePrincipalId,
      sub: client.servicePrincipalId,
    };
    if (realm.kind === TenantKind.B2c) {
      if (roles.length > 0) claims['scp'] = roles.join(' ');
      return this.sign(claims, false);
    }
    if (roles.length > 0) claims['roles'] = [...roles];
    Object.assign(
      claims,
      optionalClaimValues(resource.reg.optionalClaims.accessToken, {
        subject: 'app',
        capabilities: extras.capabilities,
      }),
    );
    return this.sign(claims, v1);
  }

  /** An id token for the client, with `nonce` when the authorize request had one. */
  idToken(
    realm: Realm,
    client: AppView,
    user: UserSubject,
    extra: { nonce?: string; email?: boolean },
  ): string {
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, client.clientId, false),
      ...this.userClaims(realm, user, client.clientId),
    };
    if (extra.nonce !== undefined) claims['nonce'] = extra.nonce;
    if (realm.kind === TenantKind.B2c) return this.sign(claims, false);
    if (extra.email === true) claims['email'] = user.username;
    Object.assign(claims, optionalClaimValues(client.reg.optionalClaims.idToken, { subject: 'user', user }));
    return this.sign(claims, false);
  }

  /** B2C's delegated token: the user flow's claims, `scp`, the user's roles; no `amr`, `azpacr` or `idtyp`. */
  private b2cUserAccessToken(input: UserTokenInput): string {
    const { user, resource, realm } = input;
    const claims: Record<string, unknown> = {
      ...this.envelope(realm, resource.clientId, false),
      ...this.userClaims(realm, user, resource.clientId),
      azp: input.client.clientId,
      scp: input.scopes.join(' '),
    };
    if (input.roles.length > 0) claims['roles'] = [...input.roles];
    return this.sign(claims, false);
  }

  /** v1 tokens name their key by `x5t` as well as `kid` (both the certificate thumbprint). */
  private sign(claims: Record<string, unknown>, v1: boolean): string {
    const key = this.options.keys.active();
    return signJwt(claims, key, v1 ? { x5t: key.kid } : {});
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

  private envelope(realm: Realm, aud: string, v1: boolean): Record<string, unknown> {
    const now = this.options.nowSeconds();
    const common = {
      aud,
      iss: v1 ? v1Issuer(realm.tid) : this.options.issuerFor(realm.tid),
      iat: now,
      nbf: now,
      exp: now + this.options.accessTokenLifetimeSeconds,
      tid: realm.tid,
    };
    if (realm.kind === TenantKind.B2c) return { ...common, ver: '1.0', tfp: realm.policy };
    return { ...common, aio: opaque(24), rh: `0.${opaque(16)}.`, uti: opaque(16), ver: v1 ? '1.0' : '2.0' };
  }
}

/** v1 access tokens: only for an Entra tenant's API that accepts them (`tokenVersion` 1). */
function isV1(realm: Realm, resource: AppView): boolean {
  return realm.kind === TenantKind.Entra && resource.tokenVersion === 1;
}

/**
 * v1 `aud`: the resource as the client named it (App ID URI or client id; Microsoft Learn, "Access token
 * claims reference"), or the client id with the `aud` optional claim's `use_guid`.
 */
function v1Audience(resource: AppView, named: string | undefined): string {
  if (usesGuidAudience(resource.reg.optionalClaims.accessToken)) return resource.clientId;
  return named ?? resource.reg.identifierUris[0] ?? resource.clientId;
}

/** The user in a v1 token: `upn` and `unique_name` instead of `preferred_username`, and `acr`. */
function v1UserClaims(user: UserSubject, resourceClientId: string): Record<string, unknown> {
  return {
    sub: pairwiseSubject(user.oid, resourceClientId),
    oid: user.oid,
    name: user.name,
    upn: user.username,
    unique_name: user.username,
    acr: '1',
  };
}

/** The calling client: `azp`/`azpacr` in v2 tokens, `appid`/`appidacr` in v1 tokens. */
function callerClaims(clientId: string, clientAuth: ClientAuthMethod, v1: boolean): Record<string, string> {
  return v1 ? { appid: clientId, appidacr: clientAuth } : { azp: clientId, azpacr: clientAuth };
}

/**
 * MSAL's `client_info`: base64url of `{"uid":oid,"utid":tid}` (docs/entra-protocol.md#msal-behaviour-the-code-relies-on); for B2C the uid is
 * `<oid>-<policy>` in lower case (docs/entra-protocol.md#azure-ad-b2c-differences).
 */
export function clientInfo(oid: string, realm: Realm): string {
  const uid = realm.policy === undefined ? oid : `${oid}-${realm.policy}`.toLowerCase();
  return Buffer.from(JSON.stringify({ uid, utid: realm.tid })).toString('base64url');
}
