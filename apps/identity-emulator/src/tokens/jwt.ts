import { randomBytes, sign } from 'node:crypto';

import type { SigningKey } from '../keys/signing-key-store';

/**
 * Signs an RS256 JWT with `typ`, `alg` and `kid` in the header, like Entra's v2 tokens, plus `extraHeader`
 * (v1 tokens also carry `x5t`; Microsoft Learn, "Access tokens").
 */
export function signJwt(
  payload: Readonly<Record<string, unknown>>,
  key: SigningKey,
  extraHeader: Readonly<Record<string, string>> = {},
): string {
  const header = Buffer.from(
    JSON.stringify({ typ: 'JWT', alg: 'RS256', ...extraHeader, kid: key.kid }),
  ).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signingInput = `${header}.${body}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** An opaque, URL-safe random value (codes, refresh tokens, `uti`, `aio`). */
export function opaque(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Decodes a JWT payload without verifying it (only after verification, or for non-security uses). */
export function decodePayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
