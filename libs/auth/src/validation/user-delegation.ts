import { createHash } from 'node:crypto';

/**
 * The user-delegation proof shared by the caller (TokenBroker, which mints it) and the callee (the
 * global guard, which verifies it): docs/auth.md "Verified delegation".
 */

/** Request header carrying the proof, beside `Authorization: Bearer <client-credentials token>`. */
export const USER_DELEGATION_HEADER = 'x-user-delegation';

/** The proof's explicit JWT type (RFC 8725 §3.11): no other JWT can be mistaken for a proof. */
export const USER_DELEGATION_TYP = 'user-delegation+jwt';

/** Path at which a caller publishes the public keys of its proofs. */
export const DELEGATION_JWKS_PATH = '.well-known/delegation-jwks.json';

/** The claims of a user-delegation proof. */
export interface UserDelegationClaims {
  /** The caller's client id. */
  readonly iss: string;
  /** The caller's client id (the `azp` of its client-credentials token). */
  readonly azp: string;
  /** The downstream's client id (the `aud` of the client-credentials token the proof goes with). */
  readonly aud: string;
  /** The user's object id (`sub` = `oid`). */
  readonly sub: string;
  readonly oid: string;
  readonly tid: string;
  readonly name?: string;
  /** The identity provider of a federated sign-in. */
  readonly idp?: string;
  /** The policy (B2C user flow) of the user's token. */
  readonly tfp?: string;
  /** How the user authenticated, `mfa` included when the caller saw a second factor. */
  readonly amr: string[];
  readonly acrs?: string[];
  /** The user's roles as the caller validated them. */
  readonly roles: string[];
  /** The delegated scope names (space-separated): what the caller asks the downstream to do for the user. */
  readonly scp: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  /** base64url(SHA-256(the client-credentials access token)): binds the proof to that one token. */
  readonly ath: string;
  /** The previous delegator, when the caller itself received the user by delegation (RFC 8693 §4.1). */
  readonly act?: { readonly sub: string };
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII (as RFC 9449 §4.2 defines it for DPoP). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}
