/**
 * Options of {@link TokenBrokerModule}: who the calling app is (authority, client id, credential), which
 * downstream APIs it calls (the declared registry, like Microsoft.Identity.Web's `DownstreamApis`), and how
 * tokens are cached and acquired.
 */

/** The two flows a downstream can be reached by (ENTRA.md §2 and §3). */
export const DownstreamFlow = {
  OnBehalfOf: 'on-behalf-of',
  ClientCredentials: 'client-credentials',
} as const;

/** `'on-behalf-of' | 'client-credentials'`. */
export type DownstreamFlow = (typeof DownstreamFlow)[keyof typeof DownstreamFlow];

/** One downstream API, declared once in the caller's configuration. */
export interface DownstreamDeclaration {
  /** Absolute `http(s)` base URL; per-call paths are resolved under it and may never leave it. */
  baseUrl: string;
  /** How the token is obtained: on behalf of the signed-in user, or as the app itself. */
  flow: DownstreamFlow;
  /**
   * Scopes to ask for. On-behalf-of: delegated scopes of one resource (`api://x/Scope.Name`).
   * Client credentials: exactly one `<App ID URI>/.default` (Entra answers anything else with AADSTS1002012).
   */
  scopes: string[];
  /** Timeout of one downstream HTTP call, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Retries of the token request on 5xx / 429 / network failure (not of the downstream call). Default 2. */
  retry?: { attempts: number };
  /**
   * On-behalf-of only: when the caller is an app (no user), use the app's own client-credentials token for
   * `<resource>/.default` instead of refusing with 403 `obo_requires_user`. Default false. A trade of least
   * privilege for convenience: opt in per downstream only when the callee accepts app tokens.
   */
  allowAppFallback?: boolean;
}

/** How the calling app proves its identity to the token service. */
export type ClientCredential =
  /** A client secret (local development; prefer certificates or federated credentials in Azure). */
  | { kind: 'secret'; secret: string }
  /** A certificate: PEM private key and the SHA-256 thumbprint (hex) of its certificate; `x5c` for SN+I. */
  | { kind: 'certificate'; privateKeyPem: string; thumbprintSha256: string; x5c?: string }
  /** A client-assertion callback: the hook for workload identity / federated identity credentials. */
  | { kind: 'assertion'; getAssertion: () => Promise<string> };

/** Token cache settings. */
export interface TokenBrokerCacheOptions {
  /** Maximum number of tokens held in memory (L1, LRU). Default 10 000 entries. */
  l1MaxEntries?: number;
  /** Redis URL of the shared L2 cache (`redis://host:6379`). Absent → L1 only, no cross-replica lease. */
  redisUrl?: string;
  /** AES-256-GCM key for L2 values: 32 bytes, base64. Required when `redisUrl` is set. */
  encryptionKey?: string;
  /** Renew a cached token in the background when it has less than this left, in seconds. Default 300. */
  refreshAheadSeconds?: number;
  /** Cross-replica acquisition lease (Redis `SET NX PX`), in milliseconds. Default 3 000. */
  leaseMs?: number;
  /** Timeout of one Redis command, in milliseconds; a slower Redis is treated as absent. Default 250. */
  redisCommandTimeoutMs?: number;
  /** Prefix of every Redis key. Default `entra-api-chain:tokens`. */
  keyPrefix?: string;
}

/** Options of `TokenBrokerModule.forRoot()`. */
export interface TokenBrokerOptions {
  /** Authority URL with tenant, e.g. `https://login.microsoftonline.com/<tid>` or `https://localhost:8443/<tid>`. */
  authority: string;
  /** Hosts (`host[:port]`) trusted without Microsoft instance discovery, e.g. `['localhost:8443']`. Default none. */
  knownAuthorities?: string[];
  /** The calling app's client id. */
  clientId: string;
  /** This service's name in hop records (`HopRecord.from`), e.g. `bff`. Default: the client id. */
  serviceName?: string;
  /** The calling app's credential. */
  credential: ClientCredential;
  /** The declared downstream APIs by name; validated at boot. */
  downstreams: Record<string, DownstreamDeclaration>;
  /** Token cache settings. */
  cache?: TokenBrokerCacheOptions;
  /** Timeout of one token request (one attempt), in milliseconds. Default 5 000. */
  tokenServiceTimeoutMs?: number;
  /**
   * Extra PEM CA certificate(s) trusted for the token service's TLS, added to Node's root store (for a
   * private authority such as the local emulator when `NODE_EXTRA_CA_CERTS` cannot be set). Certificate
   * verification is never disabled. Default none.
   */
  tokenServiceCaPem?: string;
  /** Circuit breaker toward the authority: consecutive failures that open it, and how long it stays open. */
  circuitBreaker?: { consecutiveFailures?: number; openForMs?: number };
  /** Longest `Retry-After` the broker waits for inside a request, in seconds; longer → 503 at once. Default 5. */
  maxRetryAfterSeconds?: number;
}

/** Defaults applied to every optional setting (units in the names). */
export const TOKEN_BROKER_DEFAULTS = {
  l1MaxEntries: 10_000,
  refreshAheadSeconds: 300,
  leaseMs: 3_000,
  redisCommandTimeoutMs: 250,
  keyPrefix: 'entra-api-chain:tokens',
  tokenServiceTimeoutMs: 5_000,
  downstreamTimeoutMs: 10_000,
  retryAttempts: 2,
  breakerConsecutiveFailures: 5,
  breakerOpenForMs: 10_000,
  maxRetryAfterSeconds: 5,
  /** A cached token with less than this left is never served (clock skew + request time), in seconds. */
  minRemainingSeconds: 30,
} as const;
