import { InvalidTokenError } from './validation.errors';

/** The protected header fields this library reads; everything else (jku, x5u, jwk, x5t…) is ignored. */
export interface TokenHeader {
  readonly alg: string;
  readonly kid: string;
  /** The explicit type (`typ`), when the header has a string one (RFC 7515 §4.1.9). */
  readonly typ?: string;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ALLOWED_ALGORITHM = 'RS256';

/**
 * Structural checks before any key is looked up: three base64url segments, a JSON-object header
 * with no duplicated member (a parser differential, RFC 7515 §4), `alg` exactly RS256, a string `kid`
 * and no `crit` extension we would have to understand (RFC 7515 §4.1.11).
 */
export function readTokenHeader(token: string): TokenHeader {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => (i === 2 && p === '' ? true : SEGMENT.test(p)))) {
    throw new InvalidTokenError(
      'token_malformed',
      'The access token is not a compact JWS (three base64url segments).',
    );
  }
  const text = Buffer.from(parts[0] ?? '', 'base64url').toString('utf8');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new InvalidTokenError('token_malformed', 'The token header is not JSON.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidTokenError('token_malformed', 'The token header is not a JSON object.');
  }
  const fields = header as Record<string, unknown>;
  if (hasDuplicateMembers(text)) {
    throw new InvalidTokenError('token_malformed', 'The token header repeats a member.');
  }
  if (typeof fields['alg'] !== 'string')
    throw new InvalidTokenError('token_malformed', 'The token header has no alg.');
  if (fields['alg'] !== ALLOWED_ALGORITHM) {
    throw new InvalidTokenError(
      'token_algorithm_not_allowed',
      `Only ${ALLOWED_ALGORITHM} tokens are accepted.`,
    );
  }
  if (parts[2] === '') throw new InvalidTokenError('token_malformed', 'The token has no signature.');
  if ('crit' in fields)
    throw new InvalidTokenError('token_malformed', 'The token header has unsupported critical extensions.');
  const kid = fields['kid'];
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) {
    throw new InvalidTokenError('token_malformed', 'The token header has no usable kid.');
  }
  const typ = fields['typ'];
  return typeof typ === 'string' ? { alg: ALLOWED_ALGORITHM, kid, typ } : { alg: ALLOWED_ALGORITHM, kid };
}

/**
 * Top-level member names, scanned on the raw text: `JSON.parse` keeps the last of two equal names
 * silently (a parser differential), and escapes could spell one name two ways (`"\\u0061lg"`), which
 * issuers never send — both are refused.
 */
function hasDuplicateMembers(text: string): boolean {
  if (text.includes('\\')) return true;
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return true;
      if (depth === 1 && /^\s*:/.test(text.slice(end + 1, end + 8))) {
        const name = text.slice(i + 1, end);
        if (seen.has(name)) return true;
        seen.add(name);
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return false;
}
