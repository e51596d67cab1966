/**
 * Options of {@link TokenBrokerModule}: who the calling app is (authority, client id, credential), which
 * downstream APIs it calls (the declared registry, like Microsoft.Identity.Web's `DownstreamApis`), and how
 * tokens are cached and acquired.
 */

/**
 * The flows a downstream can be reached by: on-behalf-of and client credentials (Entra, External ID), and
 * verified delegation — the app's client-credentials token plus a user-delegation proof signed by the
 * app, for identity providers without on-behalf-of such as Azure AD B2C (docs/auth.md).
 */
export const DownstreamFlow = {
  OnBehalfOf: 'on-behalf-of',
  ClientCredentials: 'client-credentials',
  VerifiedDelegation: 'verified-delegation',
} as const;

/** `'on-behalf-of' | 'client-credentials' | 'verified-delegation'`. */
export type DownstreamFlow = (typeof DownstreamFlow)[keyof typeof DownstreamFlow];

/** One downstream API, declared once in the caller's configuration. */
export interface DownstreamDeclaration {
  /** Absolute `http(s)` base URL; per-call paths are resolved under it and may never leave it. */
  baseUrl: string;
  /**
   * How the token is obtained: on behalf of the signed-in user, as the app itself, or as the app with a
   * signed proof conveying the signed-in user (verified delegation).
   */
  flow: DownstreamFlow;
  /**
   * Scopes to ask for. On-behalf-of: delegated scopes of one resource (`api://x/Scope.Name`).
   * Client credentials and verified delegation: exactly one `<App ID URI>/.default` (Entra answers
   * anything else with AADSTS1002012).
   */
  scopes: string[];
  /**
   * Verified delegation only (required there): the scope names the proof conveys for the user, without
   * the resource prefix (`Program.ReadWrite`). The callee accepts only those it allows this caller.
   */
  delegatedScopes?: string[];
  /** Timeout of one downstream HTTP call, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Retries of the token request on 5xx / 429 / network failure (not of the downstream call). Default 2. */
  retry?: { attempts: number };
  /**
   * On-behalf-of and verified delegation: when the caller is an app (no user), use the app's own
   * client-credentials token for `<resource>/.default` (without a proof) instead of refusing with 403
   * `obo_requires_user` / `delegation_requires_user`. Default false. A trade of least privilege for
   * convenience: opt in per downstream only when the callee accepts app tokens.
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
  | { kind: 'assertion'; getAssertion: () => Promise<string> }
  /**
   * Workload identity: a federated token (e.g. the projected service-account token of AKS's
   * `AZURE_FEDERATED_TOKEN_FILE`) read from this file at each token acquisition, so that a rotated file is
   * picked up, and sent as the client assertion (docs/auth.md "Workload identity").
   */
  | { kind: 'federated-token-file'; tokenFilePath: string };

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

/** The caller side of verified delegation: the key that signs this app's user-delegation proofs. */
export interface DelegationSigningOptions {
  /** RSA private key (PEM, PKCS#8 or PKCS#1, ≥ 2048 bits). Its public key is published as a JWKS. */
  signingKeyPem: string;
  /** Key id in the proofs' header and the JWKS. Default: the RFC 7638 thumbprint of the public key. */
  kid?: string;
  /** Lifetime of one proof, in seconds (1–300). Default 120. */
  proofLifetimeSeconds?: number;
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
  /**
   * Time budget of one incoming request, in milliseconds, shared by every token acquisition and downstream
   * call made for it (counted from when the request was received; outside a request, from the call).
   * Retries, waits and timeouts are cut so that the answer — at worst a 503 `token_service_unavailable` or
   * a 504 `downstream_timeout`, each with `Retry-After` — leaves before the budget is spent. Default 12 000.
   */
  requestDeadlineMs?: number;
  /**
   * Signing key of user-delegation proofs; required when a downstream is declared `verified-delegation`.
   * When set, `GET /.well-known/delegation-jwks.json` publishes its public key. Default none.
   */
  delegation?: DelegationSigningOptions;
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
  requestDeadlineMs: 12_000,
  /**
   * Longest a token service's `Retry-After` is remembered for its authority (requests in the meantime fail
   * fast with 503 and the time left), in seconds — as MSAL caps its own throttling.
   */
  maxThrottleSeconds: 3_600,
  /** A cached token with less than this left is never served (clock skew + request time), in seconds. */
  minRemainingSeconds: 30,
  /** Lifetime of a user-delegation proof, in seconds. */
  proofLifetimeSeconds: 120,
  /** Longest lifetime a user-delegation proof may be given, in seconds (the callee's default maximum). */
  maxProofLifetimeSeconds: 300,
} as const;
