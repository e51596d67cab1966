import { createPublicKey, type KeyObject } from 'node:crypto';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';

import { Logger } from '@nestjs/common';
import { JwksClient, JwksRateLimitError, SigningKeyNotFoundError } from 'jwks-rsa';

import { hostOfUrl, TransportCauseKind, transportCauseOf, transportHint } from '../errors/transport-cause';
import type { ResolvedAuthOptions } from './auth.options';
import { InvalidTokenError, SigningKeysUnavailableError } from './validation.errors';

interface CachedKey {
  readonly key: KeyObject;
  readonly expiresAt: number;
}

/** Where keys come from and how they are fetched and trusted (a subset of the AuthModule options). */
export type KeySourceOptions = Pick<
  ResolvedAuthOptions,
  'jwksUri' | 'jwksCacheMaxAgeMs' | 'jwksRequestsPerMinute' | 'jwksTimeoutMs' | 'jwksCaPem'
>;

/**
 * Signing keys by `kid`, from the configured JWKS only (a token's `jku`/`x5u`/`jwk` headers are never
 * followed). jwks-rsa fetches, caches and rate-limits; on top of it each key is kept as a parsed
 * `KeyObject` (a PEM string costs ~7× per verify, docs/performance.md P1) for `jwksCacheMaxAgeMs`, after which it is
 * looked up again — so a key removed from the JWKS stops validating once that window passes.
 */
export class SigningKeyResolver {
  private readonly logger = new Logger('SigningKeyResolver');
  private readonly client: JwksClient;
  private readonly keys = new Map<string, CachedKey>();
  private readonly pending = new Map<string, Promise<KeyObject>>();

  constructor(private readonly options: KeySourceOptions) {
    this.client = new JwksClient({
      jwksUri: options.jwksUri,
      cache: true,
      cacheMaxEntries: 20,
      cacheMaxAge: options.jwksCacheMaxAgeMs,
      rateLimit: true,
      jwksRequestsPerMinute: options.jwksRequestsPerMinute,
      timeout: options.jwksTimeoutMs,
      ...(options.jwksCaPem
        ? { requestAgent: new Agent({ ca: [...rootCertificates, options.jwksCaPem] }) }
        : {}),
    });
  }

  /** The cached key for `kid` if it is still inside its trust window (no I/O). */
  cached(kid: string): KeyObject | undefined {
    const entry = this.keys.get(kid);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.key;
    this.keys.delete(kid);
    return undefined;
  }

  /** The key for `kid`; an unknown `kid` costs one JWKS fetch (shared by concurrent callers). */
  async resolve(kid: string): Promise<KeyObject> {
    const cached = this.cached(kid);
    if (cached) return cached;
    let inFlight = this.pending.get(kid);
    if (!inFlight) {
      inFlight = this.fetch(kid).finally(() => this.pending.delete(kid));
      this.pending.set(kid, inFlight);
    }
    return inFlight;
  }

  private async fetch(kid: string): Promise<KeyObject> {
    try {
      const signingKey = await this.client.getSigningKey(kid);
      const key = createPublicKey(signingKey.getPublicKey());
      if (key.asymmetricKeyType !== 'rsa')
        throw new InvalidTokenError('token_key_unknown', 'The signing key is not an RSA key.');
      this.keys.set(kid, { key, expiresAt: Date.now() + this.options.jwksCacheMaxAgeMs });
      return key;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof SigningKeyNotFoundError || error instanceof JwksRateLimitError) {
        throw new InvalidTokenError(
          'token_key_unknown',
          'The token was signed by a key the issuer does not publish.',
          {
            cause: error,
          },
        );
      }
      this.logger.warn(describeJwksFailure(error, this.options.jwksUri));
      throw new SigningKeysUnavailableError({ cause: error });
    }
  }

  /** Forgets every parsed key (tests; operators rotating keys never need it). */
  clear(): void {
    this.keys.clear();
  }
}

/**
 * One log line naming why the JWKS could not be fetched — TLS, DNS, connection, HTTP or content — and the
 * fix for the known causes (an untrusted CA, an unknown host), never a token.
 */
export function describeJwksFailure(error: unknown, jwksUri: string): string {
  const head = `signing keys could not be fetched from ${jwksUri} (AUTH_JWKS_URI); tokens are answered 503 signing_keys_unavailable until they can`;
  const name = error instanceof Error ? error.name : '';
  if (name === 'JwksError')
    return `${head}: the JWKS answered an HTTP error or no usable keys (${(error as Error).message.slice(0, 200)}). Hint: check that AUTH_JWKS_URI is the issuer's keys address (its discovery document's jwks_uri)`;
  if (error instanceof SyntaxError) return `${head}: the JWKS answer is not JSON. Hint: check AUTH_JWKS_URI`;
  const cause = transportCauseOf(error);
  const host = hostOfUrl(jwksUri);
  const hint = transportHint(cause, { host, addressSetting: 'AUTH_JWKS_URI', caOption: 'jwksCaPem' });
  const what =
    cause.kind === TransportCauseKind.Other
      ? `${name || 'unknown error'}${cause.code ? ` ${cause.code}` : ''}`
      : `${CAUSE_LABELS[cause.kind]} (${cause.code ?? 'no code'})`;
  return `${head}: ${what}${hint ? `. Hint: ${hint}` : ''}`;
}

const CAUSE_LABELS: Readonly<Record<TransportCauseKind, string>> = {
  tls: 'TLS failure',
  dns: 'DNS failure',
  refused: 'connection refused',
  reset: 'connection reset or timed out',
  timeout: 'timed out',
  other: 'failure',
};
