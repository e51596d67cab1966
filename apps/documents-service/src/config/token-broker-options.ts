import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { type ClientCredential, delegationSigningKeyFromEnv, type TokenBrokerOptions } from '@chain/auth';

import type { DocumentsServiceEnv } from './documents-service.config';

/** Name of this service in hop records (`HopRecord.from`). */
export const DOCUMENTS_SERVICE_NAME = 'documents-service';

/** Thrown at boot when a configured certificate credential cannot be read. */
export class CallerCredentialError extends Error {
  override readonly name = 'CallerCredentialError';
}

/**
 * Maps the caller variables (`AUTH_AUTHORITY`, `AUTH_CLIENT_*`, `TOKEN_CACHE_*`, `AUTH_DELEGATION_SIGNING_KEY*`,
 * `DOWNSTREAM_APIS__PROGRAM__*`) onto `TokenBrokerModule.forRoot()` options.
 *
 * @param tokenServiceCaPem an extra CA for the token service's TLS, for in-process tests; processes trust
 *   the local emulator through `NODE_EXTRA_CA_CERTS` instead.
 */
export function tokenBrokerOptionsFromEnv(
  env: DocumentsServiceEnv,
  tokenServiceCaPem?: string,
): TokenBrokerOptions {
  const cache = {
    ...(env.TOKEN_CACHE_REDIS_URL === undefined ? {} : { redisUrl: env.TOKEN_CACHE_REDIS_URL }),
    ...(env.TOKEN_CACHE_ENCRYPTION_KEY === undefined
      ? {}
      : { encryptionKey: env.TOKEN_CACHE_ENCRYPTION_KEY }),
  };
  return {
    // The schema requires AUTH_AUTHORITY for documents-service (it calls the token service).
    authority: env.AUTH_AUTHORITY ?? '',
    knownAuthorities: env.AUTH_KNOWN_AUTHORITIES ?? [],
    clientId: env.AUTH_CLIENT_ID,
    serviceName: DOCUMENTS_SERVICE_NAME,
    credential: credentialOf(env),
    downstreams: env.downstreams,
    cache,
    ...(tokenServiceCaPem === undefined ? {} : { tokenServiceCaPem }),
    ...delegationOf(env),
  };
}

/** The key that signs user-delegation proofs, when set (read once at boot; never logged). */
function delegationOf(env: DocumentsServiceEnv): Pick<TokenBrokerOptions, 'delegation'> {
  const delegation = delegationSigningKeyFromEnv({
    AUTH_DELEGATION_SIGNING_KEY: env.AUTH_DELEGATION_SIGNING_KEY,
    AUTH_DELEGATION_SIGNING_KEY_FILE: env.AUTH_DELEGATION_SIGNING_KEY_FILE,
  });
  return delegation === undefined ? {} : { delegation };
}

function credentialOf(env: DocumentsServiceEnv): ClientCredential {
  if (env.AUTH_CLIENT_SECRET !== undefined) return { kind: 'secret', secret: env.AUTH_CLIENT_SECRET };
  const certificatePath = env.AUTH_CLIENT_CERTIFICATE_PATH ?? '';
  const keyPath = env.AUTH_CLIENT_CERTIFICATE_KEY_PATH ?? '';
  return {
    kind: 'certificate',
    privateKeyPem: readPem(keyPath, 'AUTH_CLIENT_CERTIFICATE_KEY_PATH'),
    thumbprintSha256: thumbprintOf(readPem(certificatePath, 'AUTH_CLIENT_CERTIFICATE_PATH')),
  };
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CallerCredentialError(`${variable}: cannot read ${path}; point it at a PEM file`);
  }
}

/** The SHA-256 thumbprint (hex) of a PEM certificate, as Entra shows it for an uploaded certificate. */
export function thumbprintOf(certificatePem: string): string {
  try {
    return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
  } catch {
    throw new CallerCredentialError('AUTH_CLIENT_CERTIFICATE_PATH: the file is not a PEM certificate');
  }
}
