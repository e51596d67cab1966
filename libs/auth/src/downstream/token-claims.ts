import type { HopTokenClaims } from '@chain/contracts';

const STRING_CLAIMS = ['scp', 'azp', 'oid', 'idtyp', 'ver', 'tfp', 'idp'] as const;
const ARRAY_CLAIMS = ['roles', 'amr', 'acrs'] as const;
const NUMBER_CLAIMS = ['iat', 'exp'] as const;

/**
 * Decodes (never verifies — the callee does) the payload of a JWT and keeps only the display claims of a
 * hop record (`HopRecord` of @chain/contracts). The token itself is not kept; anything unreadable yields `{}`.
 */
export function displayClaims(jwt: string): HopTokenClaims {
  const payload = decodePayload(jwt);
  if (!payload) return {};
  const claims: { -readonly [K in keyof HopTokenClaims]: HopTokenClaims[K] } = {};
  const aud = payload['aud'];
  if (typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    claims.aud = aud;
  }
  for (const name of STRING_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'string') claims[name] = value;
  }
  for (const name of ARRAY_CLAIMS) {
    const value = payload[name];
    if (Array.isArray(value)) claims[name] = value.filter((v): v is string => typeof v === 'string');
  }
  for (const name of NUMBER_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'number') claims[name] = value;
  }
  return claims;
}

function decodePayload(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
