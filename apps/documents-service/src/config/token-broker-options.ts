import { AuthEnv, type TokenBrokerOptions } from '@chain/auth';

import type { DocumentsServiceEnv } from './documents-service.config';

/** Name of this service in hop records (`HopRecord.from`). */
export const DOCUMENTS_SERVICE_NAME = 'documents-service';

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
    credential: AuthEnv.clientCredential(env),
    downstreams: env.downstreams,
    cache,
    ...(tokenServiceCaPem === undefined ? {} : { tokenServiceCaPem }),
    ...delegationOf(env),
  };
}

/** The key that signs user-delegation proofs, when set (read once at boot; never logged). */
function delegationOf(env: DocumentsServiceEnv): Pick<TokenBrokerOptions, 'delegation'> {
  const delegation = AuthEnv.delegationSigningKey({
    AUTH_DELEGATION_SIGNING_KEY: env.AUTH_DELEGATION_SIGNING_KEY,
    AUTH_DELEGATION_SIGNING_KEY_FILE: env.AUTH_DELEGATION_SIGNING_KEY_FILE,
  });
  return delegation === undefined ? {} : { delegation };
}
