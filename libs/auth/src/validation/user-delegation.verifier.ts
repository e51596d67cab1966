import type { KeyObject } from 'node:crypto';

import { JsonWebTokenError, NotBeforeError, TokenExpiredError, verify } from 'jsonwebtoken';

import type { ResolvedAuthOptions, ResolvedDelegationCaller } from './auth.options';
import { type AccessTokenClaims, AuthenticatedPrincipal, type ClaimRules } from './principal';
import { SigningKeyResolver } from './signing-key.resolver';
import { readTokenHeader } from './token-header';
import { accessTokenHash, USER_DELEGATION_TYP, type UserDelegationClaims } from './user-delegation';
import { ValidatedTokenCache } from './validated-token.cache';
import { InsufficientScopeError, type InvalidTokenCode, InvalidTokenError } from './validation.errors';

interface TrustedCaller {
  readonly caller: ResolvedDelegationCaller;
  readonly keys: SigningKeyResolver;
}

type ProofClaims = Partial<Record<keyof UserDelegationClaims, unknown>>;

/**
 * The callee side of verified delegation (docs/auth.md): given the principal of a validated app-only
 * bearer token and the `X-User-Delegation` proof, checks that the caller is trusted, the proof is an
 * RS256 `user-delegation+jwt` signed by a key the caller publishes (jwks-rsa, a `KeyObject` per `kid`),
 * issued by that caller for this API, short-lived, bound to this bearer token (`ath`), for the bearer's
 * tenant and within the scopes the caller may convey — then returns the conveyed USER principal.
 * A (bearer, proof) pair verified before is served from a cache until the earlier of their expiries.
 */
export class UserDelegationVerifier {
  private readonly callers = new Map<string, TrustedCaller>();
  private readonly cache: ValidatedTokenCache;

  constructor(
    private readonly options: ResolvedAuthOptions,
    private readonly rules: ClaimRules,
    private readonly audience: [string, ...string[]],
  ) {
    for (const caller of options.delegation?.callers.values() ?? []) {
      this.callers.set(caller.clientId, {
        caller,
        keys: new SigningKeyResolver({ ...options, jwksUri: caller.jwksUri }),
      });
    }
    this.cache = new ValidatedTokenCache(options.validatedTokenCacheSize);
  }

  /** The user conveyed by `proof` on behalf of `bearer`'s application; throws 401 / 403 errors with stable codes. */
  async verify(bearer: AuthenticatedPrincipal, proof: string): Promise<AuthenticatedPrincipal> {
    const trusted = this.trustedCallerOf(bearer);
    if (proof.length > this.options.maxTokenBytes) throw refused('delegation_invalid', 'is too large');
    const id = this.cache.idOf(`${bearer.rawToken()} ${proof}`);
    const cached = this.cache.get(id, this.keyTrusted);
    if (cached) return cached;
    const kid = proofKid(proof);
    // Before any key is fetched (the signature then covers these same bytes): iss and azp name the caller.
    if (!issuedBy(proof, trusted.caller.clientId))
      throw refused('delegation_binding_invalid', 'was not issued by the calling application');
    const claims = this.verifySignature(proof, await keyOf(trusted, kid), trusted.caller);
    this.checkClaims(claims, bearer, trusted.caller);
    const principal = new AuthenticatedPrincipal(claims as AccessTokenClaims, bearer.rawToken(), this.rules, {
      by: trusted.caller.clientId,
      bearerExpiresAt: bearer.expiresAt,
    });
    this.cache.set(id, `${trusted.caller.clientId} ${kid}`, principal);
    return principal;
  }

  close(): void {
    this.cache.clear();
    for (const { keys } of this.callers.values()) keys.clear();
  }

  private readonly keyTrusted = (entry: string): boolean => {
    const [clientId = '', kid = ''] = entry.split(' ');
    return this.callers.get(clientId)?.keys.cached(kid) !== undefined;
  };

  private trustedCallerOf(bearer: AuthenticatedPrincipal): TrustedCaller {
    if (!this.options.delegation)
      throw refused('delegation_caller_untrusted', 'is not accepted: this API trusts no delegating caller');
    if (bearer.kind !== 'app')
      throw refused('delegation_invalid', "must come with the caller's app-only (client-credentials) token");
    const trusted = this.callers.get(bearer.callerAppId ?? '');
    if (!trusted)
      throw refused('delegation_caller_untrusted', 'comes from an application not trusted to convey users');
    return trusted;
  }

  private verifySignature(proof: string, key: KeyObject, caller: ResolvedDelegationCaller): ProofClaims {
    try {
      const claims: unknown = verify(proof, key, {
        algorithms: ['RS256'],
        audience: this.audience,
        issuer: caller.clientId,
        clockTolerance: this.options.clockToleranceSeconds,
      });
      if (typeof claims !== 'object' || claims === null)
        throw refused('delegation_invalid', 'is not a JSON object');
      return claims;
    } catch (error) {
      throw proofError(error);
    }
  }

  private checkClaims(
    c: ProofClaims,
    bearer: AuthenticatedPrincipal,
    caller: ResolvedDelegationCaller,
  ): void {
    const { iat, exp } = c;
    if (typeof iat !== 'number' || typeof exp !== 'number')
      throw refused('delegation_invalid', 'has no iat/exp');
    const max = this.options.delegation?.maxProofLifetimeSeconds ?? 0;
    if (exp - iat > max) throw refused('delegation_invalid', `lives longer than ${max} s`);
    if (iat > Date.now() / 1000 + this.options.clockToleranceSeconds)
      throw refused('delegation_invalid', 'was issued in the future');
    if (c.ath !== accessTokenHash(bearer.rawToken()))
      throw refused('delegation_binding_invalid', 'is bound to another access token (ath)');
    if (typeof c.tid !== 'string' || c.tid.toLowerCase() !== bearer.tid.toLowerCase())
      throw refused('delegation_invalid', "names another tenant than the caller's token");
    if (!nonEmpty(c.oid) || !nonEmpty(c.sub) || !nonEmpty(c.jti) || !nonEmpty(c.scp))
      throw refused('delegation_invalid', 'lacks oid, sub, jti or scp');
    if (![c.amr, c.roles, c.acrs].every((v) => v === undefined || isStringArray(v)))
      throw refused('delegation_invalid', 'has amr, roles or acrs that are not lists of strings');
    if (c.act !== undefined && !isActor(c.act)) throw refused('delegation_invalid', 'has a malformed act');
    const denied = c.scp.split(' ').filter((s) => s && !caller.scopes.has(s));
    if (denied.length) {
      throw new InsufficientScopeError(
        'delegation_scope_not_allowed',
        `The calling application may not convey these scopes: ${denied.join(', ')}.`,
        [...caller.scopes],
      );
    }
  }
}

/** The header's `kid` after the structural checks of access tokens, and the explicit `typ`. */
function proofKid(proof: string): string {
  try {
    const header = readTokenHeader(proof);
    if (header.typ?.toLowerCase() !== USER_DELEGATION_TYP)
      throw refused('delegation_invalid', `is not typed ${USER_DELEGATION_TYP}`);
    return header.kid;
  } catch (error) {
    if (error instanceof InvalidTokenError && !error.code.startsWith('delegation_'))
      throw refused('delegation_invalid', 'is not a well-formed RS256 compact JWS', error);
    throw error;
  }
}

/** Before any key is fetched: `iss` and `azp` must name the caller that presents the proof. */
function issuedBy(proof: string, clientId: string): boolean {
  try {
    const payload = JSON.parse(
      Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    if (typeof payload !== 'object' || payload === null) return false;
    const { iss, azp } = payload as ProofClaims;
    return iss === clientId && azp === clientId;
  } catch {
    return false;
  }
}

async function keyOf(trusted: TrustedCaller, kid: string): Promise<KeyObject> {
  try {
    return trusted.keys.cached(kid) ?? (await trusted.keys.resolve(kid));
  } catch (error) {
    if (error instanceof InvalidTokenError)
      throw refused('delegation_signature_invalid', 'was signed by a key its caller does not publish', error);
    throw error; // 503 signing_keys_unavailable: the caller's JWKS cannot be fetched
  }
}

/** jsonwebtoken's errors → stable delegation codes (its messages are part of its v9 API). */
function proofError(error: unknown): unknown {
  if (error instanceof InvalidTokenError || !(error instanceof JsonWebTokenError)) return error;
  if (error instanceof TokenExpiredError) return refused('delegation_expired', 'has expired', error);
  if (error instanceof NotBeforeError) return refused('delegation_invalid', 'is not valid yet', error);
  if (error.message === 'invalid signature')
    return refused('delegation_signature_invalid', 'has a signature that does not verify', error);
  if (error.message.startsWith('jwt audience invalid'))
    return refused('delegation_audience_invalid', 'is meant for another API (aud)', error);
  if (error.message.startsWith('jwt issuer invalid'))
    return refused('delegation_binding_invalid', 'was not issued by the calling application', error);
  return refused('delegation_invalid', 'could not be read', error);
}

function refused(code: InvalidTokenCode, what: string, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError(code, `The user-delegation proof ${what}.`, cause ? { cause } : undefined);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isActor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && nonEmpty((value as { sub?: unknown }).sub);
}
