import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { TokenBrokerConfigError } from './downstream-declarations.schema';
import { type DelegationSigningOptions, TOKEN_BROKER_DEFAULTS } from './token-broker.options';

/** The environment variables of the delegation signing key. */
export const DELEGATION_KEY_ENV = {
  Pem: 'AUTH_DELEGATION_SIGNING_KEY',
  File: 'AUTH_DELEGATION_SIGNING_KEY_FILE',
} as const;

/** A public key as `GET /.well-known/delegation-jwks.json` publishes it (RFC 7517). */
export interface DelegationJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'RS256';
}

/** {@link DelegationSigningOptions} validated: the parsed private key, its kid and public JWK. */
export interface DelegationSigningKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
  readonly publicJwk: DelegationJwk;
  readonly proofLifetimeSeconds: number;
}

const MIN_MODULUS_BITS = 2_048;
const FIX = `set ${DELEGATION_KEY_ENV.Pem} (an RSA private key, PEM; "\\n" escapes allowed) or ${DELEGATION_KEY_ENV.File} (its path)`;

/**
 * Parses and checks the signing key (RSA, ≥ 2048 bits, a lifetime of 1–300 s). Problems are returned,
 * never thrown, so that boot names all of them at once; the key material never appears in a message.
 */
export function resolveDelegationSigningKey(options: DelegationSigningOptions): {
  key?: DelegationSigningKey;
  issues: string[];
} {
  const issues: string[] = [];
  const lifetime = options.proofLifetimeSeconds ?? TOKEN_BROKER_DEFAULTS.proofLifetimeSeconds;
  const max = TOKEN_BROKER_DEFAULTS.maxProofLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > max)
    issues.push(`delegation.proofLifetimeSeconds must be a whole number of seconds from 1 to ${max}`);
  if (options.kid !== undefined && !/^[\w.-]{1,128}$/.test(options.kid))
    issues.push('delegation.kid must be 1-128 letters, digits, "_", "-" or "."');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(options.signingKeyPem);
  } catch {
    return { issues: [...issues, `the delegation signing key is not a PEM private key: ${FIX}`] };
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_MODULUS_BITS)
    issues.push(`the delegation signing key must be an RSA key of at least ${MIN_MODULUS_BITS} bits: ${FIX}`);
  if (issues.length > 0) return { issues };
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = options.kid ?? jwkThumbprint(String(n), String(e));
  const publicJwk: DelegationJwk = { kty: 'RSA', n: String(n), e: String(e), kid, use: 'sig', alg: 'RS256' };
  return { key: { privateKey, kid, publicJwk, proofLifetimeSeconds: lifetime }, issues };
}

/** The RFC 7638 §3 thumbprint of an RSA public key: base64url(SHA-256) of its required members in order. */
export function jwkThumbprint(n: string, e: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}

/**
 * Reads the signing key of user-delegation proofs from `AUTH_DELEGATION_SIGNING_KEY` (PEM; `\n` escapes
 * are turned into line breaks, for single-line env files) or `AUTH_DELEGATION_SIGNING_KEY_FILE` (a path).
 * Call it from an app's `*.config.ts`; `undefined` when neither is set.
 *
 * @throws TokenBrokerConfigError naming the variable (never its value) when both are set or the file cannot be read.
 */
export function delegationSigningKeyFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): DelegationSigningOptions | undefined {
  const pem = env[DELEGATION_KEY_ENV.Pem]?.trim() || undefined;
  const file = env[DELEGATION_KEY_ENV.File]?.trim() || undefined;
  if (pem !== undefined && file !== undefined)
    throw new TokenBrokerConfigError([
      `${DELEGATION_KEY_ENV.Pem} and ${DELEGATION_KEY_ENV.File} are both set; set only one`,
    ]);
  if (pem !== undefined) return { signingKeyPem: pem.replace(/\\n/g, '\n') };
  if (file === undefined) return undefined;
  try {
    return { signingKeyPem: readFileSync(file, 'utf8') };
  } catch {
    throw new TokenBrokerConfigError([
      `${DELEGATION_KEY_ENV.File}: cannot read ${file}; point it at a PEM RSA private key`,
    ]);
  }
}
