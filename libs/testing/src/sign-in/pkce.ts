import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636 §4.1–4.2, method S256). */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A random opaque value for `state` / `nonce`. */
export function randomValue(): string {
  return randomBytes(16).toString('base64url');
}
