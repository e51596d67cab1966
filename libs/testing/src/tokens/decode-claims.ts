/**
 * The payload of a JWT, decoded WITHOUT verification: for assertions in tests only (the apps verify).
 * Never log the token itself; claims are fine.
 */
export function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
