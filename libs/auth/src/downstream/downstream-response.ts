import { Readable } from 'node:stream';

import type { AxiosResponse } from 'axios';

import { buildBearerChallenge, parseBearerChallenge } from '../errors';
import { TokenBrokerError } from '../token-broker/token-broker.errors';

/* Reading a downstream's answer: headers, its Bearer challenge, a streamed error body. */

const ERROR_BODY_LIMIT = 65_536;

export function headerOf(response: Pick<AxiosResponse, 'headers'>, name: string): string | undefined {
  const value: unknown = (response.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
}

export function flatHeaders(response: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string') out[key.toLowerCase()] = value;
    else if (Array.isArray(value)) out[key.toLowerCase()] = value.join(', ');
    else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
  }
  return out;
}

/** The downstream's parsed `WWW-Authenticate: Bearer …`, if any. */
export function challengeOf(
  response: AxiosResponse,
): { error?: string; errorDescription?: string; claims?: string } | undefined {
  const header = headerOf(response, 'www-authenticate');
  return header ? parseBearerChallenge(header) : undefined;
}

/** The claims JSON of a 401 `insufficient_claims` challenge, if any. */
export function stepUpClaims(response: AxiosResponse): string | undefined {
  if (response.status !== 401) return undefined;
  const challenge = challengeOf(response);
  return challenge?.error === 'insufficient_claims' && challenge.claims ? challenge.claims : undefined;
}

/** 401 `claims_challenge` carrying the downstream's claims, for the caller to step up. */
export function claimsChallenge(name: string, claims: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'claims_challenge',
    status: 401,
    detail: `Downstream "${name}" requires a stronger sign-in (claims challenge); acquire a new token with the claims in WWW-Authenticate and retry.`,
    wwwAuthenticate: buildBearerChallenge({
      error: 'insufficient_claims',
      errorDescription: 'A claims challenge from a downstream API must be satisfied',
      claims: Buffer.from(claims, 'utf8').toString('base64'),
    }),
    extensions: { downstream: name },
  });
}

export async function drain(response: AxiosResponse): Promise<void> {
  if (response.data instanceof Readable) response.data.destroy();
}

export async function readJson(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > ERROR_BODY_LIMIT) {
      stream.destroy();
      break;
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether the downstream refused the token itself: 401 without a claims challenge (RFC 6750
 * `invalid_token`, or no `error` at all) — the token this service sent, never the caller's.
 */
export function refusesToken(response: AxiosResponse): boolean {
  return response.status === 401 && challengeOf(response)?.error !== 'insufficient_claims';
}
