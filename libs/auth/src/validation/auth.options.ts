/** An application trusted to convey its signed-in users by verified delegation (docs/auth.md). */
export interface DelegationCaller {
  /** The caller's client id: the `azp` of its client-credentials token and the `iss`/`azp` of its proofs. */
  readonly clientId: string;
  /** Where the caller publishes its proof-signing keys (`GET /.well-known/delegation-jwks.json`). */
  readonly jwksUri: string;
  /** Scope names (`Program.Read`, no resource prefix) the caller may convey in a proof's `scp`. */
  readonly scopes: readonly string[];
}

/** The callee side of verified delegation: who may convey users here, and for how long a proof may live. */
export interface DelegationOptions {
  /** The trusted callers; a proof from any other application is refused. */
  readonly callers: readonly DelegationCaller[];
  /** Longest accepted proof lifetime (`exp` − `iat`), in seconds. Default 300. */
  readonly maxProofLifetimeSeconds?: number;
}

/**
 * Options of {@link AuthModule} (docs/auth.md). Only RS256 is ever accepted; `jku`, `x5u` and
 * `jwk` headers are ignored — keys come from `jwksUri` only.
 */
export interface AuthModuleOptions {
  /**
   * Accepted issuers: exact values (`https://login.microsoftonline.com/<tid>/v2.0`,
   * `https://sts.windows.net/<tid>/`, B2C `https://<t>.b2clogin.com/<tid>/v2.0/`) and/or templates
   * containing `{tenantid}`, which is checked against the token's `tid` and `allowedTenants`.
   */
  readonly issuers: readonly string[];
  /** JWKS address; may use an internal hostname while tokens carry the public issuer (containers). */
  readonly jwksUri: string;
  /** Accepted `aud` values: the API's client id and its App ID URI (Entra v1 tokens carry either). */
  readonly audiences: readonly string[];
  /** Tenant GUIDs allowed by a `{tenantid}` issuer template. Required when a template is used. */
  readonly allowedTenants?: readonly string[];
  /** Leeway for `exp`/`nbf`, in seconds. Default 60. */
  readonly clockToleranceSeconds?: number;
  /** How long a fetched signing key is trusted, in milliseconds. Default 10 minutes. */
  readonly jwksCacheMaxAgeMs?: number;
  /** At most this many JWKS fetches per minute (unknown `kid`s), per process. Default 10. */
  readonly jwksRequestsPerMinute?: number;
  /** JWKS fetch timeout, in milliseconds. Default 5 000. */
  readonly jwksTimeoutMs?: number;
  /** Entries in the validated-token cache; 0 disables it. Default 10 000. */
  readonly validatedTokenCacheSize?: number;
  /** Largest accepted token, in bytes (UTF-8 of the compact JWT). Default 16 384. */
  readonly maxTokenBytes?: number;
  /** CA certificates (PEM) to trust for the JWKS address, in addition to Node's (e.g. a local CA). */
  readonly jwksCaPem?: string;
  /**
   * Extra claims read as roles (B2C custom attributes such as `extension_Roles`); a claim's value may be
   * a space-separated string or an array of strings. Added to `principal.roles`. Default none.
   */
  readonly roleClaims?: readonly string[];
  /**
   * Application permissions that B2C puts in `scp` of client-credentials tokens (it emits no `idtyp`).
   * A token without `idtyp` whose `scp` values are all listed here is app-only, and those values are
   * its roles (so `@AppOnly()` and `@RequireAppRoles()` work). Default none.
   */
  readonly applicationPermissions?: readonly string[];
  /**
   * Policies (B2C user flows) that enforce a second factor: a token whose `tfp` (or `acr`) names one of
   * them (case-insensitive) gets `mfa` in `principal.authMethods`. Default none.
   */
  readonly mfaPolicies?: readonly string[];
  /** Accept users conveyed by verified delegation (`X-User-Delegation`) from these callers. Default off. */
  readonly delegation?: DelegationOptions;
}

/** A trusted delegation caller, validated. */
export interface ResolvedDelegationCaller {
  readonly clientId: string;
  readonly jwksUri: string;
  readonly scopes: ReadonlySet<string>;
}

/** {@link DelegationOptions} validated, with the default applied. */
export interface ResolvedDelegationOptions {
  readonly callers: ReadonlyMap<string, ResolvedDelegationCaller>;
  readonly maxProofLifetimeSeconds: number;
}

/** {@link AuthModuleOptions} with every default applied, validated once at boot. */
export interface ResolvedAuthOptions extends Required<
  Omit<
    AuthModuleOptions,
    'allowedTenants' | 'jwksCaPem' | 'applicationPermissions' | 'mfaPolicies' | 'delegation'
  >
> {
  readonly allowedTenants: ReadonlySet<string>;
  readonly exactIssuers: ReadonlySet<string>;
  readonly issuerTemplates: readonly string[];
  readonly jwksCaPem?: string;
  readonly applicationPermissions: ReadonlySet<string>;
  /** Lower-cased (B2C policy names are case-insensitive). */
  readonly mfaPolicies: ReadonlySet<string>;
  readonly delegation?: ResolvedDelegationOptions;
}

export const AUTH_DEFAULTS = {
  clockToleranceSeconds: 60,
  jwksCacheMaxAgeMs: 10 * 60_000,
  jwksRequestsPerMinute: 10,
  jwksTimeoutMs: 5_000,
  validatedTokenCacheSize: 10_000,
  maxTokenBytes: 16_384,
} as const;

/** Default of `delegation.maxProofLifetimeSeconds`: 5 minutes. */
export const DEFAULT_MAX_PROOF_LIFETIME_SECONDS = 300;

/** Placeholder of a multi-tenant issuer template. */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** Thrown at boot for options that would make validation unsafe or impossible. */
export class AuthOptionsError extends Error {
  constructor(problems: readonly string[]) {
    super(`AuthModule options are invalid: ${problems.join('; ')}`);
    this.name = 'AuthOptionsError';
  }
}

/** Applies defaults and refuses unsafe or incomplete options, naming every problem at once. */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  const problems: string[] = [];
  const issuers = options.issuers.map((i) => i.trim()).filter(Boolean);
  const templates = issuers.filter((i) => i.toLowerCase().includes(TENANT_PLACEHOLDER));
  const allowedTenants = new Set((options.allowedTenants ?? []).map((t) => t.toLowerCase()));
  if (!issuers.length) problems.push('issuers: at least one issuer is required');
  if (!options.audiences.filter(Boolean).length)
    problems.push('audiences: at least one audience is required');
  if (templates.length && !allowedTenants.size) {
    problems.push(
      `allowedTenants: required when an issuer contains ${TENANT_PLACEHOLDER} (${templates.join(', ')})`,
    );
  }
  if (!isHttpUrl(options.jwksUri)) problems.push(`jwksUri: "${options.jwksUri}" is not an http(s) URL`);
  const { applicationPermissions, mfaPolicies, delegation, ...rest } = options;
  const resolved = { ...AUTH_DEFAULTS, ...stripUndefined(rest) };
  for (const key of Object.keys(AUTH_DEFAULTS) as (keyof typeof AUTH_DEFAULTS)[]) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0) problems.push(`${key}: must be a non-negative number`);
  }
  problems.push(...claimRuleProblems(options), ...delegationProblems(delegation));
  if (problems.length) throw new AuthOptionsError(problems);
  return {
    ...resolved,
    jwksUri: options.jwksUri,
    issuers,
    audiences: options.audiences.filter(Boolean),
    allowedTenants,
    exactIssuers: new Set(issuers.filter((i) => !templates.includes(i))),
    issuerTemplates: templates.map((t) => t.replace(/\{tenantid\}/i, TENANT_PLACEHOLDER)),
    roleClaims: [...(options.roleClaims ?? [])],
    applicationPermissions: new Set(applicationPermissions ?? []),
    mfaPolicies: new Set((mfaPolicies ?? []).map((p) => p.toLowerCase())),
    ...(delegation ? { delegation: resolveDelegation(delegation) } : {}),
  };
}

const NAME = /^[^\s/]+$/;
/** Claims that must never be read as roles: they carry delegated scopes or identify the token. */
const NOT_ROLE_CLAIMS: ReadonlySet<string> = new Set([
  'scp',
  'aud',
  'iss',
  'sub',
  'oid',
  'tid',
  'azp',
  'appid',
]);

function claimRuleProblems(options: AuthModuleOptions): string[] {
  const problems: string[] = [];
  for (const claim of options.roleClaims ?? []) {
    if (!/^[A-Za-z][\w.:-]*$/.test(claim)) problems.push(`roleClaims: "${claim}" is not a claim name`);
    else if (NOT_ROLE_CLAIMS.has(claim)) problems.push(`roleClaims: "${claim}" cannot be read as roles`);
  }
  for (const [field, values] of [
    ['applicationPermissions', options.applicationPermissions],
    ['mfaPolicies', options.mfaPolicies],
  ] as const) {
    for (const value of values ?? []) {
      if (!NAME.test(value)) problems.push(`${field}: "${value}" must be a name without spaces or "/"`);
    }
  }
  return problems;
}

function delegationProblems(delegation: DelegationOptions | undefined): string[] {
  if (!delegation) return [];
  const problems: string[] = [];
  const max = delegation.maxProofLifetimeSeconds;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 3_600))
    problems.push('delegation.maxProofLifetimeSeconds: must be a whole number of seconds from 1 to 3600');
  if (!delegation.callers.length) problems.push('delegation.callers: list at least one caller');
  const seen = new Set<string>();
  delegation.callers.forEach((caller, i) => {
    const at = `delegation.callers[${i}]`;
    if (!caller.clientId) problems.push(`${at}.clientId: is required`);
    if (seen.has(caller.clientId)) problems.push(`${at}.clientId: "${caller.clientId}" is listed twice`);
    seen.add(caller.clientId);
    if (!isHttpUrl(caller.jwksUri)) problems.push(`${at}.jwksUri: must be an http(s) URL`);
    if (!caller.scopes.length) problems.push(`${at}.scopes: list at least one scope name`);
    for (const scope of caller.scopes) {
      if (!NAME.test(scope))
        problems.push(
          `${at}.scopes: "${scope}" must be a scope name such as Program.Read (no resource, no spaces)`,
        );
    }
  });
  return problems;
}

function resolveDelegation(delegation: DelegationOptions): ResolvedDelegationOptions {
  return {
    maxProofLifetimeSeconds: delegation.maxProofLifetimeSeconds ?? DEFAULT_MAX_PROOF_LIFETIME_SECONDS,
    callers: new Map(
      delegation.callers.map((c) => [
        c.clientId,
        { clientId: c.clientId, jwksUri: c.jwksUri, scopes: new Set(c.scopes) },
      ]),
    ),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
