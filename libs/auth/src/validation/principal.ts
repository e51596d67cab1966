import { inspect } from 'node:util';

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Claims of a validated Entra / B2C access token (ENTRA.md §5, §6); others kept in `claims`. */
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
  readonly [claim: string]: unknown;
}

const RAW_TOKEN = Symbol('rawToken');

/**
 * Who called: a user (delegated token) or an application (app-only token), with what the token
 * grants. Built once per validated token; the raw token is kept for the TokenBroker only — it is not
 * enumerable and `toJSON()` / `util.inspect` leave it out, so it is never logged or serialised.
 */
export class AuthenticatedPrincipal {
  readonly kind: 'user' | 'app';
  readonly oid: string;
  readonly tid: string;
  readonly sub: string;
  readonly name?: string;
  readonly username?: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  /** The calling application: `azp` (v2) or `appid` (v1). */
  readonly callerAppId?: string;
  /** `amr` — how the user authenticated (`pwd`, `mfa`, …). */
  readonly authMethods: readonly string[];
  /** `acrs` — satisfied authentication contexts (`c1`, …). */
  readonly authContexts: readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  readonly claims: Readonly<AccessTokenClaims>;
  declare private readonly [RAW_TOKEN]: string;

  constructor(claims: AccessTokenClaims, rawToken: string) {
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
    this.kind = kindOf(claims, scopes);
    this.oid = claims.oid ?? claims.sub ?? '';
    this.tid = claims.tid ?? '';
    this.sub = claims.sub ?? '';
    this.name = claims.name;
    this.username = claims.preferred_username;
    this.scopes = Object.freeze(scopes);
    this.roles = Object.freeze(stringList(claims.roles));
    this.callerAppId = claims.azp ?? claims.appid;
    this.authMethods = Object.freeze(stringList(claims.amr));
    this.authContexts = Object.freeze(stringList(claims.acrs));
    this.expiresAt = claims.exp;
    this.claims = Object.freeze(claims); // a fresh object from the verifier: no copy
    Object.defineProperty(this, RAW_TOKEN, { value: rawToken, enumerable: false });
    Object.freeze(this);
  }

  /** The validated access token, for the TokenBroker's on-behalf-of assertion. Never log it. */
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
 * User or app (ENTRA.md §5): `idtyp` when the API opted in to it, else a delegated token is the one
 * carrying `scp`. Note B2C client-credential tokens carry `scp` and no `idtyp` (ENTRA.md §6).
 */
function kindOf(claims: AccessTokenClaims, scopes: readonly string[]): 'user' | 'app' {
  if (claims.idtyp === 'app') return 'app';
  if (claims.idtyp === 'user') return 'user';
  return scopes.length ? 'user' : 'app';
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
