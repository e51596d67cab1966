import type { KeyObject } from 'node:crypto';

import { Logger } from '@nestjs/common';
import {
  decode,
  JsonWebTokenError,
  NotBeforeError,
  TokenExpiredError,
  verify,
  type VerifyOptions,
} from 'jsonwebtoken';

import {
  type AuthModuleOptions,
  resolveAuthOptions,
  type ResolvedAuthOptions,
  TENANT_PLACEHOLDER,
} from './auth.options';
import { type AccessTokenClaims, AuthenticatedPrincipal, type ClaimRules } from './principal';
import { SigningKeyResolver } from './signing-key.resolver';
import { readTokenHeader } from './token-header';
import { UserDelegationVerifier } from './user-delegation.verifier';
import { ValidatedTokenCache } from './validated-token.cache';
import { InvalidTokenError } from './validation.errors';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Access-token validation (docs/CONTRACTS.md): size, header, key by `kid`, RS256 signature, `exp`/`nbf`
 * with tolerance and `aud` through jsonwebtoken with a cached `KeyObject`; then issuer (exact or
 * `{tenantid}` template), tenant allow-list, `tid` consistency and "carries some permission".
 * {@link validate} is the one validation path: the global guard (`JwtAuthGuard`), benchmarks and non-HTTP
 * callers all use it; the passport strategy (`EntraJwtStrategy`) is an adapter over the same steps.
 * {@link delegated} verifies a user-delegation proof that came with a validated app-only token.
 */
export class TokenValidator {
  readonly options: ResolvedAuthOptions;
  readonly keys: SigningKeyResolver;
  readonly verifyOptions: VerifyOptions & { algorithms: ['RS256'] };
  private readonly cache: ValidatedTokenCache;
  private readonly rules: ClaimRules;
  private readonly delegation: UserDelegationVerifier;
  private readonly logger = new Logger('TokenValidator');

  constructor(options: ResolvedAuthOptions) {
    this.options = options;
    this.keys = new SigningKeyResolver(options);
    this.cache = new ValidatedTokenCache(options.validatedTokenCacheSize);
    const audience = acceptedAudiences(options.audiences);
    this.verifyOptions = {
      algorithms: ['RS256'],
      audience,
      clockTolerance: options.clockToleranceSeconds,
    };
    this.rules = {
      roleClaims: options.roleClaims,
      applicationPermissions: options.applicationPermissions,
      mfaPolicies: options.mfaPolicies,
    };
    this.delegation = new UserDelegationVerifier(options, this.rules, audience);
  }

  static fromOptions(options: AuthModuleOptions): TokenValidator {
    return new TokenValidator(resolveAuthOptions(options));
  }

  /** Validates `token` and returns its principal, or throws an {@link InvalidTokenError}. */
  async validate(token: string): Promise<AuthenticatedPrincipal> {
    this.checkSize(token);
    const id = this.cache.idOf(token);
    const cached = this.cache.get(id, this.keyTrusted);
    if (cached) return cached;
    const { kid } = readTokenHeader(token);
    const key = this.keys.cached(kid) ?? (await this.keys.resolve(kid));
    let claims: AccessTokenClaims;
    try {
      claims = verify(token, key, this.verifyOptions) as AccessTokenClaims;
    } catch (error) {
      throw this.refusal(error, token);
    }
    return this.accept(token, claims, kid, id);
  }

  /**
   * The 401 a verification error becomes. A wrong audience is logged at debug with the audience the
   * token carries, the audiences this API accepts and the client it was issued to — the usual cause is
   * `AUTH_AUDIENCES` or the client's requested scope — never the token itself.
   */
  refusal(error: unknown, token: string): InvalidTokenError {
    const refused = toInvalidTokenError(error);
    if (refused.code === 'token_audience_invalid') this.logger.debug(this.audienceMismatch(token));
    return refused;
  }

  private audienceMismatch(token: string): string {
    const claims = (decode(token, { json: true }) ?? {}) as Record<string, unknown>;
    const shown = (value: unknown): string => JSON.stringify(value ?? null).slice(0, 300);
    return `token refused: audience ${shown(claims['aud'])} is not one this API accepts ${shown(this.options.audiences)} (AUTH_AUDIENCES); issued by ${shown(claims['iss'])} to client ${shown(claims['azp'] ?? claims['appid'])}`;
  }

  private readonly keyTrusted = (kid: string): boolean => this.keys.cached(kid) !== undefined;

  /** Header checks, then the signing key for its `kid`. */
  async keyFor(token: string): Promise<{ kid: string; key: KeyObject }> {
    this.checkSize(token);
    const { kid } = readTokenHeader(token);
    return { kid, key: await this.keys.resolve(kid) };
  }

  /** Claims checks after a good signature; caches and returns the principal. */
  accept(
    token: string,
    claims: AccessTokenClaims,
    kid = readTokenHeader(token).kid,
    id = this.cache.idOf(token),
  ): AuthenticatedPrincipal {
    this.checkClaims(claims);
    const principal = new AuthenticatedPrincipal(claims, token, this.rules);
    this.cache.set(id, kid, principal);
    return principal;
  }

  /**
   * The user conveyed by a verified-delegation `proof` (the `X-User-Delegation` header) on behalf of
   * `bearer`, the principal of the validated app-only token it came with.
   *
   * @throws InvalidTokenError (401, `delegation_*` codes) or InsufficientScopeError (403).
   */
  delegated(bearer: AuthenticatedPrincipal, proof: string): Promise<AuthenticatedPrincipal> {
    return this.delegation.verify(bearer, proof);
  }

  close(): void {
    this.cache.clear();
    this.keys.clear();
    this.delegation.close();
  }

  private checkSize(token: string): void {
    // A compact JWS is ASCII, so its length is its size; anything else fails the header check anyway.
    if (token.length > this.options.maxTokenBytes) {
      throw new InvalidTokenError(
        'token_too_large',
        `The access token exceeds ${this.options.maxTokenBytes} bytes.`,
      );
    }
  }

  private checkClaims(claims: AccessTokenClaims): void {
    if (typeof claims !== 'object' || claims === null)
      throw new InvalidTokenError('token_malformed', 'The token payload is not a JSON object.');
    if (typeof claims.exp !== 'number')
      throw new InvalidTokenError('token_malformed', 'The token has no exp.');
    if (typeof claims.iss !== 'string')
      throw new InvalidTokenError('token_issuer_invalid', 'The token has no issuer.');
    if (claims.tid !== undefined && typeof claims.tid !== 'string')
      throw new InvalidTokenError('token_malformed', 'The tid claim is not a string.');
    if (typeof (claims.oid ?? claims.sub) !== 'string')
      throw new InvalidTokenError('token_malformed', 'The token names no subject (oid/sub).');
    this.checkIssuer(claims.iss, claims.tid);
    const scp = typeof claims.scp === 'string' ? claims.scp.trim() : '';
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    if (!scp && !roles.length) {
      throw new InvalidTokenError('token_no_permissions', 'The token carries neither scp nor roles.');
    }
  }

  private checkIssuer(iss: string, tid: string | undefined): void {
    const { exactIssuers, issuerTemplates, allowedTenants } = this.options;
    const viaTemplate =
      tid !== undefined && issuerTemplates.some((t) => t.replace(TENANT_PLACEHOLDER, tid) === iss);
    if (!exactIssuers.has(iss) && !viaTemplate) {
      throw new InvalidTokenError(
        'token_issuer_invalid',
        'The token was issued by an issuer this API does not trust.',
      );
    }
    // docs/entra-protocol.md#issuers: the tenant in `iss` and `tid` must agree.
    const issuerTenant = GUID.exec(iss)?.[0];
    if (tid !== undefined && issuerTenant !== undefined && issuerTenant.toLowerCase() !== tid.toLowerCase()) {
      throw new InvalidTokenError('token_issuer_invalid', 'The token issuer and tid name different tenants.');
    }
    const tenant = (tid ?? issuerTenant)?.toLowerCase();
    if ((viaTemplate || allowedTenants.size) && (!tenant || !allowedTenants.has(tenant))) {
      throw new InvalidTokenError(
        'token_tenant_not_allowed',
        'The token comes from a tenant this API does not allow.',
      );
    }
  }
}

/** v1 tokens carry the App ID URI with or without a trailing slash (docs/entra-protocol.md#access-token-claims). */
function acceptedAudiences(audiences: readonly string[]): [string, ...string[]] {
  const all = new Set<string>();
  for (const aud of audiences) {
    all.add(aud);
    if (!GUID.test(aud) || aud.includes(':')) all.add(aud.endsWith('/') ? aud.slice(0, -1) : `${aud}/`);
  }
  return [...all] as [string, ...string[]];
}

/** jsonwebtoken's errors → stable codes (its messages are part of its v9 API). */
export function toInvalidTokenError(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof TokenExpiredError)
    return new InvalidTokenError('token_expired', 'The access token expired.');
  if (error instanceof NotBeforeError)
    return new InvalidTokenError('token_not_yet_valid', 'The access token is not valid yet.');
  if (error instanceof JsonWebTokenError) {
    const m = error.message;
    if (m === 'invalid signature')
      return new InvalidTokenError('token_signature_invalid', 'The token signature does not verify.');
    if (m === 'invalid algorithm')
      return new InvalidTokenError('token_algorithm_not_allowed', 'Only RS256 tokens are accepted.');
    if (m.startsWith('jwt audience invalid'))
      return new InvalidTokenError('token_audience_invalid', 'The token is not meant for this API (aud).');
    if (m.startsWith('jwt issuer invalid'))
      return new InvalidTokenError(
        'token_issuer_invalid',
        'The token was issued by an issuer this API does not trust.',
      );
  }
  return new InvalidTokenError('token_malformed', 'The access token could not be read.');
}
