import {
  DELEGATION_KEY_ENV,
  type DelegationSigningKey,
  resolveDelegationSigningKey,
} from './delegation-signing-key';
import { TokenBrokerConfigError, validateDownstreamDeclarations } from './downstream-declarations.schema';
import {
  type DownstreamDeclaration,
  DownstreamFlow,
  TOKEN_BROKER_DEFAULTS,
  type TokenBrokerOptions,
} from './token-broker.options';

/** {@link TokenBrokerOptions} validated, with every default applied. */
export interface TokenBrokerSettings {
  readonly authority: string;
  /** Hosts MSAL trusts without instance discovery (for diagnostics). */
  readonly knownAuthorities: readonly string[];
  readonly clientId: string;
  readonly serviceName: string;
  readonly downstreams: Readonly<
    Record<string, Required<Pick<DownstreamDeclaration, 'timeoutMs'>> & DownstreamDeclaration>
  >;
  readonly l1MaxEntries: number;
  readonly redis?: {
    readonly url: string;
    readonly encryptionKey: string;
    readonly commandTimeoutMs: number;
  };
  readonly refreshAheadMs: number;
  readonly leaseMs: number;
  readonly keyPrefix: string;
  readonly tokenServiceTimeoutMs: number;
  readonly breakerConsecutiveFailures: number;
  readonly breakerOpenForMs: number;
  readonly maxRetryAfterSeconds: number;
  readonly minRemainingMs: number;
  readonly requestDeadlineMs: number;
  /** The key that signs user-delegation proofs, when configured. */
  readonly delegation?: DelegationSigningKey;
}

/** Injection token of the resolved {@link TokenBrokerSettings}. */
export const TOKEN_BROKER_SETTINGS = Symbol('TOKEN_BROKER_SETTINGS');

function authorityIssues(options: TokenBrokerOptions): string[] {
  try {
    const url = new URL(options.authority);
    if (url.protocol !== 'https:')
      return [
        `authority (AUTH_AUTHORITY) must use https (MSAL refuses anything else): "${options.authority}"`,
      ];
    if (url.pathname.split('/').filter(Boolean).length === 0) {
      return [
        `authority (AUTH_AUTHORITY) must name the tenant, e.g. https://login.microsoftonline.com/<tenant id>`,
      ];
    }
    return [];
  } catch {
    return [
      `authority (AUTH_AUTHORITY) must be an absolute https URL with the tenant: "${options.authority}"`,
    ];
  }
}

function credentialIssues(options: TokenBrokerOptions): string[] {
  const c = options.credential;
  if (c.kind === 'secret' && !c.secret)
    return ['credential: the client secret (AUTH_CLIENT_SECRET) is empty'];
  if (
    c.kind === 'certificate' &&
    (!c.privateKeyPem.includes('PRIVATE KEY') || !/^[0-9a-fA-F]{64}$/.test(c.thumbprintSha256))
  ) {
    return [
      'credential: a certificate needs a PEM private key and the 64-hex-digit SHA-256 thumbprint of its certificate',
    ];
  }
  if (c.kind === 'assertion' && typeof c.getAssertion !== 'function')
    return ['credential: getAssertion must be a function'];
  return [];
}

function cacheIssues(options: TokenBrokerOptions): string[] {
  const cache = options.cache ?? {};
  const issues: string[] = [];
  if (cache.redisUrl && !cache.encryptionKey) {
    issues.push(
      'cache.encryptionKey (TOKEN_CACHE_ENCRYPTION_KEY) is required with a Redis L2: tokens are never stored in plaintext',
    );
  }
  if (cache.redisUrl && !/^rediss?:\/\//.test(cache.redisUrl)) {
    issues.push('cache.redisUrl (TOKEN_CACHE_REDIS_URL) must be a redis:// or rediss:// URL');
  }
  if (cache.encryptionKey && Buffer.from(cache.encryptionKey, 'base64').length !== 32) {
    issues.push(
      'cache.encryptionKey (TOKEN_CACHE_ENCRYPTION_KEY) must be 32 bytes in base64; generate one with "openssl rand -base64 32"',
    );
  }
  for (const field of ['l1MaxEntries', 'refreshAheadSeconds', 'leaseMs', 'redisCommandTimeoutMs'] as const) {
    const value = cache[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      issues.push(`cache.${field} must be a whole number ≥ 0`);
  }
  return issues;
}

/** The signing key, parsed; a verified-delegation downstream without one is refused. */
function delegationKeyOf(options: TokenBrokerOptions): { key?: DelegationSigningKey; issues: string[] } {
  if (options.delegation) return resolveDelegationSigningKey(options.delegation);
  const delegating = Object.entries(options.downstreams ?? {})
    .filter(([, d]) => (d as Partial<DownstreamDeclaration>).flow === DownstreamFlow.VerifiedDelegation)
    .map(([name]) => name);
  if (delegating.length === 0) return { issues: [] };
  return {
    issues: [
      `downstream ${delegating.map((n) => `"${n}"`).join(', ')} is declared verified-delegation, which signs a proof of the user with this app's key, but no delegation signing key is configured: set ${DELEGATION_KEY_ENV.Pem} (an RSA private key, PEM) or ${DELEGATION_KEY_ENV.File} (its path)`,
    ],
  };
}

/**
 * Validates the broker options (authority, client, credential, cache, delegation key and every downstream)
 * and applies the defaults of {@link TOKEN_BROKER_DEFAULTS}.
 *
 * @throws TokenBrokerConfigError naming every problem and its fix; Nest then refuses to boot.
 */
export function resolveTokenBrokerSettings(options: TokenBrokerOptions): TokenBrokerSettings {
  const issues = [...authorityIssues(options), ...credentialIssues(options), ...cacheIssues(options)];
  if (!options.clientId) issues.push('clientId (AUTH_CLIENT_ID) is required');
  const deadline = options.requestDeadlineMs;
  if (deadline !== undefined && (!Number.isInteger(deadline) || deadline < 100 || deadline > 600_000))
    issues.push('requestDeadlineMs must be a whole number of milliseconds from 100 to 600000');
  try {
    validateDownstreamDeclarations(options.downstreams ?? {});
  } catch (error) {
    if (!(error instanceof TokenBrokerConfigError)) throw error;
    issues.push(...error.issues);
  }
  const delegation = delegationKeyOf(options);
  issues.push(...delegation.issues);
  if (issues.length > 0) throw new TokenBrokerConfigError(issues);
  return { ...applyDefaults(options), ...(delegation.key ? { delegation: delegation.key } : {}) };
}

function applyDefaults(options: TokenBrokerOptions): TokenBrokerSettings {
  const d = TOKEN_BROKER_DEFAULTS;
  const cache = options.cache ?? {};
  const downstreams = Object.fromEntries(
    Object.entries(options.downstreams).map(([name, decl]) => [
      name,
      { ...decl, timeoutMs: decl.timeoutMs ?? d.downstreamTimeoutMs },
    ]),
  );
  return {
    authority: options.authority.replace(/\/+$/, ''),
    knownAuthorities: options.knownAuthorities ?? [],
    clientId: options.clientId,
    serviceName: options.serviceName ?? options.clientId,
    downstreams,
    l1MaxEntries: cache.l1MaxEntries ?? d.l1MaxEntries,
    redis:
      cache.redisUrl && cache.encryptionKey
        ? {
            url: cache.redisUrl,
            encryptionKey: cache.encryptionKey,
            commandTimeoutMs: cache.redisCommandTimeoutMs ?? d.redisCommandTimeoutMs,
          }
        : undefined,
    refreshAheadMs: (cache.refreshAheadSeconds ?? d.refreshAheadSeconds) * 1_000,
    leaseMs: cache.leaseMs ?? d.leaseMs,
    keyPrefix: cache.keyPrefix ?? d.keyPrefix,
    tokenServiceTimeoutMs: options.tokenServiceTimeoutMs ?? d.tokenServiceTimeoutMs,
    breakerConsecutiveFailures: options.circuitBreaker?.consecutiveFailures ?? d.breakerConsecutiveFailures,
    breakerOpenForMs: options.circuitBreaker?.openForMs ?? d.breakerOpenForMs,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? d.maxRetryAfterSeconds,
    minRemainingMs: d.minRemainingSeconds * 1_000,
    requestDeadlineMs: options.requestDeadlineMs ?? d.requestDeadlineMs,
  };
}
