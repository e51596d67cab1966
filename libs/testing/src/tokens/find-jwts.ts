/** Compact JWS candidates: three base64url segments, the first starting like a JSON object (`{"` → `eyJ`). */
const CANDIDATE = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;

/**
 * The JWTs in `text`: candidates whose header really decodes to a JOSE header (a JSON object with `alg`).
 * Unlike a bare pattern match this stays silent on random base64url (ciphertext, hashes) that happens to
 * contain `eyJ`, so a test can assert on sealed data without flaking.
 */
export function findJwts(text: string): string[] {
  return (text.match(CANDIDATE) ?? []).filter(isJoseHeaded);
}

function isJoseHeaded(candidate: string): boolean {
  const header = candidate.slice(0, candidate.indexOf('.'));
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'alg' in parsed;
  } catch {
    return false;
  }
}
