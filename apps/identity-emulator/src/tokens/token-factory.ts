import type { SigningKeyStore } from '../keys/signing-key-store';
import { type AppView, pairwiseSubject } from '../tenant/directory';
import { opaque, signJwt } from './jwt';

/** How the client authenticated: Entra's `azpacr` (0 public, 1 secret, 2 certificate). */
export const ClientAuthMethod = { None: '0', Secret: '1', Certificate: '2' } as const;
export type ClientAuthMethod = (typeof ClientAuthMethod)[keyof typeof ClientAuthMethod];

/** The signed-in user a delegated token speaks for. */
export interface UserSubject {
  readonly oid: string;
  readonly name: string;
  readonly username: string;
  /** Authentication methods (`pwd`, `mfa`). */
  readonly amr: readonly string[];
  /** Auth contexts satisfied (`c1` after a second factor). */
  readonly acrs: readonly string[];
}

export interface TokenFactoryOptions {
  readonly keys: SigningKeyStore;
  readonly issuerFor: (tid: string) => string;
  readonly accessTokenLifetimeSeconds: number;
  readonly nowSeconds: () => number;
}

export interface UserTokenInput {
  readonly tid: string;
  readonly client: AppView;
  readonly clientAuth: ClientAuthMethod;
  readonly resource: AppView;
  readonly user: UserSubject;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** Builds and signs Entra v2 access and id tokens (ENTRA.md §5). */
export class TokenFactory {
  constructor(private readonly options: TokenFactoryOptions) {}

  get lifetimeSeconds(): number {
    return this.options.accessTokenLifetimeSeconds;
  }

  /** A delegated (user) access token: `scp`, the user's roles on the resource, `idtyp: user`. */
  userAccessToken(input: UserTokenInput): string {
    const { user, resource } = input;
    const claims: Record<string, unknown> = {
      ...this.envelope(input.tid, resource.clientId),
      azp: input.client.clientId,
      azpacr: input.clientAuth,
      idtyp: 'user',
      name: user.name,
      oid: user.oid,
      preferred_username: user.username,
      scp: input.scopes.join(' '),
      sub: pairwiseSubject(user.oid, resource.clientId),
      amr: [...user.amr],
    };
    if (input.roles.length > 0) claims['roles'] = [...input.roles];
    if (user.acrs.length > 0) claims['acrs'] = [...user.acrs];
    return signJwt(claims, this.options.keys.active());
  }

  /** An app-only access token (client credentials): `roles`, `idtyp: app`, `oid` = `sub` = service principal. */
  appAccessToken(tid: string, client: AppView, clientAuth: ClientAuthMethod, resource: AppView, roles: readonly string[]): string {
    const claims: Record<string, unknown> = {
      ...this.envelope(tid, resource.clientId),
      azp: client.clientId,
      azpacr: clientAuth,
      idtyp: 'app',
      oid: client.servicePrincipalId,
      sub: client.servicePrincipalId,
    };
    if (roles.length > 0) claims['roles'] = [...roles];
    return signJwt(claims, this.options.keys.active());
  }

  /** An id token for the client, with `nonce` when the authorize request had one. */
  idToken(tid: string, client: AppView, user: UserSubject, extra: { nonce?: string; email?: boolean }): string {
    const claims: Record<string, unknown> = {
      ...this.envelope(tid, client.clientId),
      name: user.name,
      oid: user.oid,
      preferred_username: user.username,
      sub: pairwiseSubject(user.oid, client.clientId),
    };
    if (extra.nonce !== undefined) claims['nonce'] = extra.nonce;
    if (extra.email === true) claims['email'] = user.username;
    return signJwt(claims, this.options.keys.active());
  }

  private envelope(tid: string, aud: string): Record<string, unknown> {
    const now = this.options.nowSeconds();
    return {
      aud,
      iss: this.options.issuerFor(tid),
      iat: now,
      nbf: now,
      exp: now + this.options.accessTokenLifetimeSeconds,
      aio: opaque(24),
      rh: `0.${opaque(16)}.`,
      tid,
      uti: opaque(16),
      ver: '2.0',
    };
  }
}

/** MSAL's `client_info`: base64url of `{"uid":oid,"utid":tid}` (ENTRA.md §9.5). */
export function clientInfo(oid: string, tid: string): string {
  return Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString('base64url');
}
