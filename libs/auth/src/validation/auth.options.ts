/**
 * Options of {@link AuthModule} (docs/CONTRACTS.md). Only RS256 is ever accepted; `jku`, `x5u` and
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
}

/** {@link AuthModuleOptions} with every default applied, validated once at boot. */
export interface ResolvedAuthOptions extends Required<
  Omit<AuthModuleOptions, 'allowedTenants' | 'jwksCaPem'>
> {
  readonly allowedTenants: ReadonlySet<string>;
  readonly exactIssuers: ReadonlySet<string>;
  readonly issuerTemplates: readonly string[];
  readonly jwksCaPem?: string;
}

export const AUTH_DEFAULTS = {
  clockToleranceSeconds: 60,
  jwksCacheMaxAgeMs: 10 * 60_000,
  jwksRequestsPerMinute: 10,
  jwksTimeoutMs: 5_000,
  validatedTokenCacheSize: 10_000,
  maxTokenBytes: 16_384,
} as const;

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
  const resolved = { ...AUTH_DEFAULTS, ...stripUndefined(options) };
  for (const key of Object.keys(AUTH_DEFAULTS) as (keyof typeof AUTH_DEFAULTS)[]) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0) problems.push(`${key}: must be a non-negative number`);
  }
  if (problems.length) throw new AuthOptionsError(problems);
  return {
    ...resolved,
    jwksUri: options.jwksUri,
    issuers,
    audiences: options.audiences.filter(Boolean),
    allowedTenants,
    exactIssuers: new Set(issuers.filter((i) => !templates.includes(i))),
    issuerTemplates: templates.map((t) => t.replace(/\{tenantid\}/i, TENANT_PLACEHOLDER)),
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
