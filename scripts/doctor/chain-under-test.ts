import {
  type ApplicationRegistration,
  downstreamName,
  type IdentityMode,
  loadChainManifest,
  type Registrations,
  roleOf,
} from '@chain/local-tenant';

/** The APIs doctor checks (chain.yaml's), in the order of the report: the callers (the BFF) first. */
export const APIS: readonly string[] = loadChainManifest()
  .apis.map((api) => api.app)
  .reverse();

/** One API of the chain: the environment it runs with, and where that came from. */
export interface AppUnderTest {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** `derived from <registrations file>` or the env file's path. */
  readonly source: string;
  /** Why its environment could not be derived or read (then `env` is empty and only this is reported). */
  readonly error?: string;
}

/** What doctor checks: each API's environment, and the tenant's registrations when they are known. */
export interface ChainUnderTest {
  readonly mode?: IdentityMode;
  /** The tenant's registrations (local chain, or a file given). Undefined for a real tenant read from env files only. */
  readonly registrations?: Registrations;
  readonly registrationsPath?: string;
  readonly apps: readonly AppUnderTest[];
}

/** A downstream an app declares (`DOWNSTREAM_APIS__<NAME>__*`). */
export interface DeclaredDownstream {
  readonly name: string;
  readonly flow: string;
  readonly scopes: readonly string[];
  readonly delegatedScopes: readonly string[];
  /** The API of the chain it names (`PROGRAM` → program-service), if one. */
  readonly target?: string;
}

/** How an app authenticates to the token service (its MSAL configuration). */
export interface CallerConfig {
  readonly clientId: string;
  readonly secret?: string;
  readonly certificatePath?: string;
  readonly certificateKeyPath?: string;
  readonly authority?: string;
  readonly knownAuthorities: readonly string[];
}

/** How an app validates incoming tokens (`AUTH_*`). */
export interface ResourceServerConfig {
  readonly issuers: readonly string[];
  readonly jwksUri?: string;
  readonly audiences: readonly string[];
  readonly authority?: string;
  readonly allowedTenants: readonly string[];
  /** `AUTH_CLOCK_TOLERANCE_SECONDS`, default 60 as in @chain/auth. */
  readonly clockToleranceSeconds: number;
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

function list(value: string | undefined, separator: RegExp = /,/): string[] {
  return (value ?? '')
    .split(separator)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The downstreams `app` declares, by name. */
export function downstreamsOf(app: AppUnderTest): DeclaredDownstream[] {
  const names = new Set<string>();
  for (const key of Object.keys(app.env)) {
    const match = /^DOWNSTREAM_APIS__([A-Z0-9_]+)__(BASE_URL|FLOW|SCOPES)$/.exec(key);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return [...names].sort().map((name) => {
    const at = (field: string): string | undefined => app.env[`DOWNSTREAM_APIS__${name}__${field}`];
    const target = APIS.find((a) => downstreamName(a) === name);
    return {
      name,
      flow: (at('FLOW') ?? '').trim(),
      scopes: list(at('SCOPES'), /\s+/),
      delegatedScopes: list(at('DELEGATED_SCOPES'), /\s+/),
      ...(target === undefined ? {} : { target }),
    };
  });
}

/** The app's client configuration, when it calls downstreams (it has a client id). */
export function callerOf(app: AppUnderTest): CallerConfig | undefined {
  const env = app.env;
  const clientId = env['AUTH_CLIENT_ID']?.trim();
  if (!clientId) return undefined;
  return {
    clientId,
    ...optional('secret', env['AUTH_CLIENT_SECRET']),
    ...optional('certificatePath', env['AUTH_CLIENT_CERTIFICATE_PATH']),
    ...optional('certificateKeyPath', env['AUTH_CLIENT_CERTIFICATE_KEY_PATH']),
    ...optional('authority', env['AUTH_AUTHORITY']),
    knownAuthorities: list(env['AUTH_KNOWN_AUTHORITIES']),
  };
}

/** The app's token validation, when it has one (`AUTH_ISSUERS`). */
export function resourceServerOf(app: AppUnderTest): ResourceServerConfig | undefined {
  const env = app.env;
  if (!env['AUTH_ISSUERS']?.trim()) return undefined;
  const tolerance = Number(env['AUTH_CLOCK_TOLERANCE_SECONDS'] ?? DEFAULT_CLOCK_TOLERANCE_SECONDS);
  return {
    issuers: list(env['AUTH_ISSUERS']),
    ...optional('jwksUri', env['AUTH_JWKS_URI']),
    audiences: list(env['AUTH_AUDIENCES']),
    ...optional('authority', env['AUTH_AUTHORITY']),
    allowedTenants: list(env['AUTH_ALLOWED_TENANTS']),
    clockToleranceSeconds: Number.isFinite(tolerance) ? tolerance : DEFAULT_CLOCK_TOLERANCE_SECONDS,
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  const trimmed = value?.trim();
  return trimmed ? ({ [key]: trimmed } as Record<K, string>) : {};
}

/** The registration that plays part `name` of the chain (its `role`), else the one named `name`. */
export function registrationOf(
  registrations: Registrations | undefined,
  name: string,
): ApplicationRegistration | undefined {
  return (
    registrations?.applications.find((a) => roleOf(a) === name) ??
    registrations?.applications.find((a) => a.name === name)
  );
}

/** `api://program-service/Program.Read` → `api://program-service`; `<guid>/.default` → `<guid>`. */
export function resourceOfScope(scope: string): string {
  const slash = scope.lastIndexOf('/');
  return slash <= 0 ? scope : scope.slice(0, slash);
}

/** `api://program-service/Program.Read` → `Program.Read`. */
export function nameOfScope(scope: string): string {
  return scope.slice(scope.lastIndexOf('/') + 1);
}

/** The application a resource identifier names: one of its App ID URIs, `api://<client id>` or its client id. */
export function applicationOfResource(
  registrations: Registrations,
  resource: string,
): ApplicationRegistration | undefined {
  const wanted = resource.replace(/\/+$/, '').toLowerCase();
  return registrations.applications.find(
    (a) =>
      a.clientId.toLowerCase() === wanted ||
      `api://${a.clientId}`.toLowerCase() === wanted ||
      a.identifierUris.some((uri) => uri.replace(/\/+$/, '').toLowerCase() === wanted),
  );
}

/** The App ID URI (else `api://<client id>`) a caller puts in front of a scope of `app`. */
export function appIdUriOf(app: ApplicationRegistration): string {
  return app.identifierUris[0] ?? `api://${app.clientId}`;
}
