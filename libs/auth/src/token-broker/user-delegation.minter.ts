import { randomUUID } from 'node:crypto';

import { sign } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';

import {
  accessTokenHash,
  USER_DELEGATION_TYP,
  type UserDelegationClaims,
} from '../validation/user-delegation';
import type { DelegationSigningKey } from './delegation-signing-key';
import { resourceOfScope } from './downstream-declarations.schema';
import type { DownstreamDeclaration } from './token-broker.options';
import type { BrokerClock, BrokerPrincipal } from './token-broker.types';
import { sha256 } from './token-crypto';

/** The user facts a proof carries, read from the principal (its order is the cache key's). */
type UserFacts = Pick<
  UserDelegationClaims,
  'oid' | 'tid' | 'name' | 'idp' | 'tfp' | 'amr' | 'acrs' | 'roles'
> & { readonly delegatedBy?: string; readonly expiresAt: number };

interface CachedProof {
  readonly proof: string;
  readonly expiresOnMs: number;
}

/** A proof never lives past the user's own token, but is given at least this long, in seconds. */
const MIN_LIFETIME_SECONDS = 5;
/** A cached proof is re-signed once it has less than this left (capped at a quarter of its lifetime), in ms. */
const REUSE_MARGIN_MS = 30_000;

/**
 * Signs user-delegation proofs (docs/auth.md "Verified delegation"): RS256, `typ` user-delegation+jwt,
 * the user's facts as this app validated them, the declared delegated scopes, bound (`ath`) to the one
 * client-credentials token it travels with. A proof is cached per (downstream, user facts, access token)
 * and re-used until shortly before it expires, so signing is not per request.
 */
export class UserDelegationMinter {
  private readonly proofs: LRUCache<string, CachedProof>;
  private readonly marginMs: number;

  constructor(
    private readonly key: DelegationSigningKey,
    private readonly clientId: string,
    private readonly clock: BrokerClock,
    maxEntries: number,
  ) {
    this.proofs = new LRUCache<string, CachedProof>({ max: maxEntries });
    this.marginMs = Math.min(REUSE_MARGIN_MS, (key.proofLifetimeSeconds * 1_000) / 4);
  }

  /** A proof conveying `principal`'s user to `downstream`, bound to `accessToken`. */
  proofFor(
    downstream: string,
    declaration: DownstreamDeclaration,
    principal: BrokerPrincipal,
    accessToken: string,
  ): string {
    const facts = factsOf(principal);
    const ath = accessTokenHash(accessToken);
    const cacheKey = sha256(JSON.stringify([downstream, facts, ath]));
    const now = this.clock.now();
    const cached = this.proofs.get(cacheKey);
    if (cached && cached.expiresOnMs - now > this.marginMs) return cached.proof;
    const minted = this.mint(declaration, facts, ath, audienceOf(accessToken, declaration), now);
    this.proofs.set(cacheKey, minted);
    return minted.proof;
  }

  private mint(
    declaration: DownstreamDeclaration,
    facts: UserFacts,
    ath: string,
    aud: string,
    nowMs: number,
  ): CachedProof {
    const iat = Math.floor(nowMs / 1_000);
    const floor = iat + Math.min(MIN_LIFETIME_SECONDS, this.key.proofLifetimeSeconds);
    const exp = Math.min(iat + this.key.proofLifetimeSeconds, Math.max(facts.expiresAt, floor));
    const { delegatedBy, expiresAt: _expiresAt, ...user } = facts;
    const claims: UserDelegationClaims = {
      iss: this.clientId,
      azp: this.clientId,
      aud,
      sub: facts.oid,
      ...withoutUndefined(user),
      scp: (declaration.delegatedScopes ?? []).join(' '),
      iat,
      nbf: iat,
      exp,
      jti: randomUUID(),
      ath,
      ...(delegatedBy === undefined ? {} : { act: { sub: delegatedBy } }),
    };
    const proof = sign(claims, this.key.privateKey, {
      algorithm: 'RS256',
      header: { alg: 'RS256', kid: this.key.kid, typ: USER_DELEGATION_TYP },
    });
    return { proof, expiresOnMs: exp * 1_000 };
  }
}

/** The facts to sign; a principal without a user object id or tenant cannot be conveyed. */
function factsOf(principal: BrokerPrincipal): UserFacts {
  if (!principal.oid || !principal.tid) {
    throw new Error('verified delegation needs a principal with oid and tid (a validated user principal)');
  }
  return {
    oid: principal.oid,
    tid: principal.tid,
    name: principal.name,
    idp: principal.identityProvider,
    tfp: principal.policy,
    amr: [...(principal.authMethods ?? [])],
    acrs: principal.authContexts?.length ? [...principal.authContexts] : undefined,
    roles: [...(principal.roles ?? [])],
    delegatedBy: principal.delegatedBy,
    expiresAt: principal.expiresAt,
  };
}

/** The downstream's client id: the `aud` of the client-credentials token, else the resource of its scope. */
function audienceOf(accessToken: string, declaration: DownstreamDeclaration): string {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { aud?: unknown };
    if (typeof payload.aud === 'string') return payload.aud;
    if (Array.isArray(payload.aud) && typeof payload.aud[0] === 'string') return payload.aud[0];
  } catch {
    // not a JWT: fall back to the declared resource
  }
  return resourceOfScope(declaration.scopes[0] ?? '');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
