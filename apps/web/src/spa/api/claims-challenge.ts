/**
 * `WWW-Authenticate` parsing for the claims challenge (docs/web.md, step-up). MSAL JS has no public parser, and
 * the documented sample splits on `=` (dropping base64 padding), so this one follows RFC 9110 §11.6.1:
 * challenges and auth-params, quoted-string aware, several challenges in one header.
 */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/** Splits a `WWW-Authenticate` value into challenges; parameter names are lower-cased. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < header.length && chars.includes(header.charAt(i))) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < header.length && TOKEN_CHAR.test(header.charAt(i))) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(' \t,');
    const token = readToken();
    if (token === '') {
      i++; // not a token character: skip it rather than loop forever
      continue;
    }
    skip(' \t');
    const current = challenges[challenges.length - 1];
    if (header.charAt(i) === '=' && current !== undefined) {
      i++;
      skip(' \t');
      current.params[token.toLowerCase()] = header.charAt(i) === '"' ? readQuoted() : readBare();
    } else {
      challenges.push({ scheme: token, params: {} });
    }
  }
  return challenges;

  function readQuoted(): string {
    let value = '';
    for (i++; i < header.length && header.charAt(i) !== '"'; i++) {
      if (header.charAt(i) === '\\') i++;
      value += header.charAt(i);
    }
    i++;
    return value;
  }

  function readBare(): string {
    const start = i;
    while (i < header.length && !', \t'.includes(header.charAt(i))) i++;
    return header.slice(start, i);
  }
}

/** Decodes base64 or base64url (padding optional) to UTF-8 text; `undefined` when it is neither. */
export function decodeBase64Text(value: string): string | undefined {
  const normalized = value.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) return undefined;
  const padded = normalized
    .replace(/=+$/, '')
    .padEnd(Math.ceil(normalized.replace(/=+$/, '').length / 4) * 4, '=');
  try {
    const binary = atob(padded);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/**
 * The claims request of a Bearer `insufficient_claims` challenge, as the JSON string MSAL's `claims`
 * option takes; `undefined` when the header holds no such challenge or the claims are not valid JSON.
 */
export function claimsFromChallenge(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  const bearer = parseWwwAuthenticate(header).find(
    (c) => c.scheme.toLowerCase() === 'bearer' && c.params['error'] === 'insufficient_claims',
  );
  const encoded = bearer?.params['claims'];
  return encoded === undefined ? undefined : claimsJson(encoded);
}

/** Validates a base64(url) claims value and returns it as minified JSON text. */
export function claimsJson(encoded: string): string | undefined {
  const text = decodeBase64Text(encoded);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed) : undefined;
  } catch {
    return undefined;
  }
}
