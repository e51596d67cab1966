/** Parameters of an RFC 6750 §3 `Bearer` challenge (plus Entra's `claims`, docs/entra-protocol.md#claims-challenges-and-step-up). */
export interface BearerChallenge {
  readonly realm?: string;
  readonly authorizationUri?: string;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly scope?: string;
  /** Already base64-encoded claims JSON, as Entra sends it. */
  readonly claims?: string;
}

/** Builds `Bearer realm="…", error="…", …`; values are quoted-string escaped (RFC 9110 §5.6.4). */
export function buildBearerChallenge(challenge: BearerChallenge = {}): string {
  const params: [string, string | undefined][] = [
    ['realm', challenge.realm],
    ['authorization_uri', challenge.authorizationUri],
    ['error', challenge.error],
    ['error_description', challenge.errorDescription && sanitize(challenge.errorDescription)],
    ['scope', challenge.scope],
    ['claims', challenge.claims],
  ];
  const rendered = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}="${v.replace(/["\\]/g, '\\$&')}"`);
  return rendered.length ? `Bearer ${rendered.join(', ')}` : 'Bearer';
}

/** RFC 6750 restricts error_description to %x20-21 / %x23-5B / %x5D-7E. */
function sanitize(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').replace(/["\\]/g, "'");
}

/** A parsed `Bearer` challenge; `claims` is the decoded claims JSON text. */
export interface ParsedBearerChallenge {
  readonly realm?: string;
  readonly authorizationUri?: string;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly scope?: string;
  readonly claims?: string;
  readonly params: Readonly<Record<string, string>>;
}

const PARAM = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;

/**
 * Parses the first `Bearer` challenge of a `WWW-Authenticate` value. Quoted-string aware (so the
 * base64 padding `=` survives, unlike the split-on-`=` sample parser docs/entra-protocol.md#claims-challenges-and-step-up warns about);
 * `claims` may be base64 or base64url. Returns undefined when there is no Bearer challenge.
 */
export function parseBearerChallenge(header: string): ParsedBearerChallenge | undefined {
  const start = header.search(/(^|[\s,])Bearer(\s|$)/i);
  if (start < 0) return undefined;
  const body = header.slice(header.toLowerCase().indexOf('bearer', start) + 'bearer'.length);
  const params: Record<string, string> = {};
  const param = new RegExp(PARAM.source, 'y');
  let match: RegExpExecArray | null;
  // A following scheme (`, Basic realm=…`) stops the loop: its token is not `key=`.
  while (param.lastIndex < body.length && (match = param.exec(body)) !== null) {
    const key = (match[1] ?? '').toLowerCase();
    if (!(key in params))
      params[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
    if (match[0].length === 0) break;
  }
  return {
    realm: params['realm'],
    authorizationUri: params['authorization_uri'],
    error: params['error'],
    errorDescription: params['error_description'],
    scope: params['scope'],
    claims: decodeClaims(params['claims']),
    params,
  };
}

function decodeClaims(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}
