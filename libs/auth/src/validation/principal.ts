import { inspect } from 'node:util';

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Claims of a validated Entra / B2C access token (docs/entra-protocol.md#access-token-claims, #azure-ad-b2c-differences); others kept in `claims`. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly aud: string | string[];
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly sub?: string;
  readonly oid?: string;
  readonly tid?: string;
  readonly scp?: string;
  readonly roles?: string[];
  readonly azp?: string;
  readonly appid?: string;
  readonly idtyp?: string;
  readonly amr?: string[];
  readonly acrs?: string[];
  readonly name?: string;
  readonly preferred_username?: string;
  readonly ver?: string;
  /** B2C: the policy (user flow) that issued the token. */
  readonly tfp?: string;
  readonly acr?: string;
  /** The identity provider of a federated sign-in (`google.com`, …). */
  readonly idp?: string;
  readonly [claim: string]: unknown;
}

const RAW_TOKEN = Symbol('rawToken');
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const MFA = 'mfa';

/** How claims beyond Entra's defaults are read (AuthModule options `roleClaims`, `applicationPermissions`, `mfaPolicies`). */
export interface ClaimRules {
  /** Extra claims whose values (space-separated string or array) count as roles. */
  readonly roleClaims: readonly string[];
  /** `scp` values that are application permissions (B2C client credentials). */
  readonly applicationPermissions: ReadonlySet<string>;
  /** Lower-cased policy names (`tfp`/`acr`) that enforce a second factor. */
  readonly mfaPolicies: ReadonlySet<string>;
}

/** No extra rules: Entra's claims only. */
export const NO_CLAIM_RULES: ClaimRules = {
  roleClaims: [],
  applicationPermissions: new Set(),
  mfaPolicies: new Set(),
};

/** How a user arrived by verified delegation: the caller that vouched, and the expiry of its own token. */
export interface DelegationOrigin {
  /** The caller's client id (the proof's `iss`, the bearer token's `azp`). */
  readonly by: string;
  /** `exp` of the caller's client-credentials token, epoch seconds. */
  readonly bearerExpiresAt: number;
}

/**
 * Who called: a user (delegated token, or a user conveyed by a verified-delegation proof) or an
 * application (app-only token), with what the token grants. Built once per validated token; the raw
 * token is kept for the TokenBroker only — it is not enumerable and `toJSON()` / `util.inspect` leave it
 * out, so it is never logged or serialised.
 */
export class AuthenticatedPrincipal {
  readonly kind: 'user' | 'app';
  readonly oid: string;
  /** `tid`, else the tenant GUID in `iss` (B2C access tokens may omit `tid`). */
  readonly tid: string;
  readonly sub: string;
  readonly name?: string;
  readonly username?: string;
  readonly scopes: readonly string[];
  /** `roles`, plus the values of `roleClaims`, plus (app-only B2C tokens) the application permissions in `scp`. */
  readonly roles: readonly string[];
  /** The calling application: `azp` (v2) or `appid` (v1); for a delegated user, the caller that vouched. */
  readonly callerAppId?: string;
  /** `amr` — how the user authenticated (`pwd`, `mfa`, …); `mfa` added when `policy` is an MFA policy. */
  readonly authMethods: readonly string[];
  /** `acrs` — satisfied authentication contexts (`c1`, …). */
  readonly authContexts: readonly string[];
  /** The B2C policy (user flow) that issued the token: `tfp`, else `acr`. */
  readonly policy?: string;
  /** `idp` — the identity provider the user signed in with (`google.com`, …); absent for local accounts. */
  readonly identityProvider?: string;
  /** Set when the user was conveyed by verified delegation: the client id of the caller that vouched. */
  readonly delegatedBy?: string;
  /** `exp`, in seconds since the epoch (for a delegated user, the earlier of the proof's and the bearer's). */
  readonly expiresAt: number;
  /** The verified claims: the access token's, or the delegation proof's for a delegated user. */
  readonly claims: Readonly<AccessTokenClaims>;
  declare private readonly [RAW_TOKEN]: string;

  /**
   * @param claims - verified claims (the access token's, or a delegation proof's).
   * @param rawToken - the bearer access token that was validated.
   * @param rules - how to read roles, application permissions and MFA policies.
   * @param delegation - set for a user conveyed by a verified-delegation proof.
   */
  constructor(
    claims: AccessTokenClaims,
    rawToken: string,
    rules: ClaimRules = NO_CLAIM_RULES,
    delegation?: DelegationOrigin,
  ) {
    const scp = spaceList(claims.scp);
    const appByPermissions = !delegation && isAppByPermissions(claims, scp, rules);
    this.kind = appByPermissions ? 'app' : kindOf(claims, scp, delegation);
    this.oid = claims.oid ?? claims.sub ?? '';
    this.tid = claims.tid ?? GUID.exec(claims.iss)?.[0]?.toLowerCase() ?? '';
    this.sub = claims.sub ?? '';
    this.name = claims.name;
    this.username = claims.preferred_username;
    this.scopes = Object.freeze(appByPermissions ? [] : scp);
    this.roles = Object.freeze(rolesOf(claims, rules, appByPermissions ? scp : []));
    this.callerAppId = delegation?.by ?? claims.azp ?? claims.appid;
    this.policy = stringClaim(claims.tfp) ?? stringClaim(claims.acr);
    this.identityProvider = stringClaim(claims.idp);
    this.authMethods = Object.freeze(authMethodsOf(claims, rules, this.policy));
    this.authContexts = Object.freeze(stringList(claims.acrs));
    if (delegation) this.delegatedBy = delegation.by;
    this.expiresAt = delegation ? Math.min(claims.exp, delegation.bearerExpiresAt) : claims.exp;
    this.claims = Object.freeze(claims); // a fresh object from the verifier: no copy
    Object.defineProperty(this, RAW_TOKEN, { value: rawToken, enumerable: false });
    Object.freeze(this);
  }

  /** The validated bearer access token, for the TokenBroker's on-behalf-of assertion. Never log it. */
  rawToken(): string {
    return this[RAW_TOKEN];
  }

  toJSON(): Record<string, unknown> {
    const { claims: _claims, ...rest } = { ...this };
    return rest;
  }

  [inspect.custom](): string {
    return `AuthenticatedPrincipal ${inspect(this.toJSON())}`;
  }
}

/**
 * User or app (docs/auth.md, user or app): a delegated user is a user; `idtyp` when the API opted in to it; else a
 * delegated token is the one carrying `scp`.
 */
function kindOf(
  claims: AccessTokenClaims,
  scopes: readonly string[],
  delegation: DelegationOrigin | undefined,
): 'user' | 'app' {
  if (delegation) return 'user';
  if (claims.idtyp === 'app') return 'app';
  if (claims.idtyp === 'user') return 'user';
  return scopes.length ? 'user' : 'app';
}

/**
 * B2C client-credentials tokens carry their application permissions in `scp` and no `idtyp`: such a
 * token is app-only when every `scp` value is a configured application permission.
 */
function isAppByPermissions(claims: AccessTokenClaims, scp: readonly string[], rules: ClaimRules): boolean {
  if (claims.idtyp !== undefined || !scp.length || !rules.applicationPermissions.size) return false;
  return scp.every((s) => rules.applicationPermissions.has(s));
}

function rolesOf(claims: AccessTokenClaims, rules: ClaimRules, permissions: readonly string[]): string[] {
  const extra = rules.roleClaims.flatMap((claim) => {
    const value = claims[claim];
    return typeof value === 'string' ? spaceList(value) : stringList(value);
  });
  return [...new Set([...stringList(claims.roles), ...permissions, ...extra])];
}

function authMethodsOf(claims: AccessTokenClaims, rules: ClaimRules, policy: string | undefined): string[] {
  const amr = stringList(claims.amr);
  const mfaPolicy = policy !== undefined && rules.mfaPolicies.has(policy.toLowerCase());
  return mfaPolicy && !amr.includes(MFA) ? [...amr, MFA] : amr;
}

function spaceList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The principal type handlers receive: `@Principal() principal: Principal`. */
export type Principal = AuthenticatedPrincipal;

/** Parameter decorator giving the handler the validated {@link AuthenticatedPrincipal}. */
export const Principal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthenticatedPrincipal => {
    const user: unknown = ctx.switchToHttp().getRequest<{ user?: unknown }>().user;
    if (!(user instanceof AuthenticatedPrincipal)) {
      throw new Error(
        '@Principal() used on a route without an authenticated principal (is the route @Public()?)',
      );
    }
    return user;
  },
);
