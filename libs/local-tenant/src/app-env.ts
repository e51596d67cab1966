import {
  type ChainApi,
  chainApi,
  type ChainManifest,
  downstreamName,
  loadChainManifest,
  manifestEnv,
} from './chain-manifest';
import { applicationFor, roleOf } from './chain-roles';
import { type IdentityEndpoints, identityEndpoints } from './identity-endpoints';
import { loadRegistrations } from './load-registrations';
import {
  type ApplicationRegistration,
  type Registrations,
  type ResourceAccess,
  TenantKind,
  type TenantRegistration,
} from './registrations.schema';

/**
 * The seed's APIs, by the part they play: what code about those particular APIs (their tests, the bench)
 * names. Which APIs the chain has is chain.yaml's list (`loadChainManifest().apis`), not this.
 */
export const ServiceApp = {
  Bff: 'bff',
  Program: 'program-service',
  Pricing: 'pricing-service',
  Documents: 'documents-service',
} as const;
export type ServiceApp = (typeof ServiceApp)[keyof typeof ServiceApp];

/** A process `localAppEnv` configures: `identity-emulator`, or an API of chain.yaml by its `app`. */
export type LocalApp = string;

/**
 * Where each part of the chain is reached. Loopback URLs for `npm start` and tests; container
 * service names (with `emulatorPublicUrl` still the host-facing issuer) for docker-compose.
 */
export interface LocalEndpoints {
  /**
   * The emulator as clients see it; the issuer is `<this>/<tid>/v2.0`. E.g. `https://localhost:8443`.
   * `https://localhost:0` starts the emulator on a random port with the public URL it announces.
   */
  readonly emulatorPublicUrl: string;
  /** The emulator as the apps reach it (JWKS, MSAL authority). Default: `emulatorPublicUrl`. */
  readonly emulatorInternalUrl?: string;
  /** Base URL of each API as its callers reach it (`http://127.0.0.1:3001`, `http://program-service:3001`). */
  readonly services: Readonly<Record<string, string>>;
  /** Interface every app listens on. Default `127.0.0.1`; containers use `0.0.0.0`. */
  readonly host?: string;
  /** Port to listen on per app (0 = random). Default: the port of the app's URL above. */
  readonly ports?: Readonly<Record<string, number>>;
  /** Azurite's blob endpoint. Default `http://127.0.0.1:10000/devstoreaccount1`. */
  readonly blobEndpoint?: string;
  /** Redis for the BFF's shared token cache (L2). Default: none (in-memory cache only). */
  readonly redisUrl?: string;
  /** PostgreSQL for program-service. Default: none (PGlite in memory). */
  readonly databaseUrl?: string;
  /** The emulator's data directory (CA, keys). Default: the emulator's own (`.local/emulator`). */
  readonly emulatorDataDir?: string;
  /** Registrations file given to the emulator. Default: the emulator's own (`libs/local-tenant/registrations.yaml`). */
  readonly registrationsPath?: string;
  /** `LOG_LEVEL` of every app. Default `info`. */
  readonly logLevel?: string;
}

/**
 * Azurite's well-known development account (published by Microsoft for the storage emulator; not a secret).
 * @see https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
 */
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * Key that encrypts the BFF's token cache entries (base64, 32 bytes). LOCAL DEMO ONLY: it is public in
 * this repository; a real deployment takes its key from a secret store.
 */
export const LOCAL_TOKEN_CACHE_KEY = Buffer.from('entra-api-chain:local-demo-only!', 'utf8').toString(
  'base64',
);

/** Loopback endpoints on the ports of chain.yaml (docs/running.md "Ports"): what `npm start` uses. */
export function defaultLocalEndpoints(manifest: ChainManifest = loadChainManifest()): LocalEndpoints {
  return {
    emulatorPublicUrl: 'https://localhost:8443',
    services: Object.fromEntries(manifest.apis.map((api) => [api.app, `http://127.0.0.1:${api.port}`])),
  };
}

/**
 * The environment of one app of the local chain, derived from the registrations file and the chain manifest
 * so that no client id, audience, scope, secret or app list is written twice (docs/chain-manifest.md):
 * every API gets issuer, JWKS and audience; one whose registration calls other APIs gets its credentials
 * and `DOWNSTREAM_APIS__<NAME>__*`; then the API's own `env` of chain.yaml.
 *
 * @param registrations defaults to the tenant file (`loadRegistrations()`).
 * @param manifest defaults to chain.yaml (`loadChainManifest()`).
 */
export function localAppEnv(
  app: LocalApp,
  endpoints: LocalEndpoints,
  registrations?: Registrations,
  manifest: ChainManifest = loadChainManifest(),
): Record<string, string> {
  if (app === 'identity-emulator') return emulatorEnv(endpoints);
  const api = chainApi(manifest, app);
  const tenant = new TenantView(registrations ?? loadRegistrations(), endpoints, manifest);
  const reg = tenant.part(app);
  const origins = tenant.spaRedirectOrigins();
  return {
    ...listenEnv(app, endpoints),
    ...resourceServerEnv(tenant, reg, endpoints),
    ...(reg.requiredResourceAccess.length > 0 ? callerEnv(tenant, app, endpoints) : {}),
    ...manifestEnv(api, {
      registrations: endpoints.registrationsPath,
      databaseUrl: endpoints.databaseUrl,
      redisUrl: endpoints.redisUrl,
      blobConnectionString: azuriteConnectionString(endpoints),
      applicationCallers: tenant.applicationCallersOf(reg.name).join(','),
      spaOrigins: origins.length > 0 ? origins.join(',') : undefined,
      tokenCacheKey: LOCAL_TOKEN_CACHE_KEY,
    }),
  };
}

/** The connection string of Azurite's development account at `endpoints.blobEndpoint`. */
export function azuriteConnectionString(endpoints: Pick<LocalEndpoints, 'blobEndpoint'>): string {
  const blob = endpoints.blobEndpoint ?? `http://127.0.0.1:10000/${AZURITE_ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blob};`;
}

function emulatorEnv(endpoints: LocalEndpoints): Record<string, string> {
  const internal = new URL(endpoints.emulatorInternalUrl ?? endpoints.emulatorPublicUrl);
  const publicUrl = new URL(endpoints.emulatorPublicUrl);
  const extraHosts = [internal.hostname, publicUrl.hostname].filter(
    (h) => !['localhost', '127.0.0.1'].includes(h),
  );
  const port = endpoints.ports?.['identity-emulator'] ?? portOf(internal);
  // Port 0 (a random port): the emulator derives its public URL from the port it binds.
  const random = port === 0 && portOf(publicUrl) === 0;
  return {
    HOST: endpoints.host ?? '127.0.0.1',
    PORT: String(port),
    ...optional('EMULATOR_PUBLIC_URL', random ? undefined : publicUrl.origin),
    LOG_LEVEL: endpoints.logLevel ?? 'info',
    ...optional('EMULATOR_HOSTNAMES', extraHosts.length > 0 ? [...new Set(extraHosts)].join(',') : undefined),
    ...optional('EMULATOR_DATA_DIR', endpoints.emulatorDataDir),
    ...optional('EMULATOR_REGISTRATIONS', endpoints.registrationsPath),
  };
}

function listenEnv(app: string, endpoints: LocalEndpoints): Record<string, string> {
  return {
    HOST: endpoints.host ?? '127.0.0.1',
    PORT: String(endpoints.ports?.[app] ?? portOf(new URL(serviceUrl(endpoints, app)))),
    LOG_LEVEL: endpoints.logLevel ?? 'info',
    CHAIN_TRACE: 'true',
  };
}

function resourceServerEnv(
  tenant: TenantView,
  reg: ApplicationRegistration,
  endpoints: LocalEndpoints,
): Record<string, string> {
  const { identity } = tenant;
  return {
    AUTH_ISSUERS: identity.issuer,
    AUTH_JWKS_URI: identity.jwksUri,
    AUTH_AUDIENCES: [reg.clientId, ...reg.identifierUris].join(','),
    ...(tenant.kind === TenantKind.B2c ? b2cResourceServerEnv(tenant, reg, endpoints) : {}),
  };
}

/**
 * What an API of a B2C tenant needs beyond issuer and audience (docs/identity-modes.md): application
 * permissions arrive in `scp`, the step-up is a user flow that enforces MFA, roles are a custom attribute,
 * and users reach it by verified delegation from the callers the registrations grant it.
 */
function b2cResourceServerEnv(
  tenant: TenantView,
  reg: ApplicationRegistration,
  endpoints: LocalEndpoints,
): Record<string, string> {
  const appPermissions = reg.appRoles
    .filter((r) => r.allowedMemberTypes.includes('Application'))
    .map((r) => r.value);
  const callers = tenant.delegatingCallersOf(reg.name).map((caller) => ({
    clientId: caller.app.clientId,
    jwksUri: `${serviceUrl(endpoints, roleOf(caller.app) ?? caller.app.name)}/.well-known/delegation-jwks.json`,
    scopes: caller.scopes,
  }));
  const roleClaims = tenant.customAttributeClaims().filter((c) => c === 'extension_Roles');
  return {
    ...optional('AUTH_APP_PERMISSIONS', appPermissions.length > 0 ? appPermissions.join(',') : undefined),
    ...optional('AUTH_MFA_POLICIES', listOrUndefined(tenant.identity.mfaPolicies)),
    ...optional('AUTH_ROLE_CLAIMS', listOrUndefined(roleClaims)),
    ...optional('AUTH_DELEGATION_CALLERS', callers.length > 0 ? JSON.stringify(callers) : undefined),
  };
}

/** Credentials and downstream declarations of a confidential client (docs/auth.md "TokenBrokerModule"). */
function callerEnv(tenant: TenantView, app: string, endpoints: LocalEndpoints): Record<string, string> {
  const reg = tenant.part(app);
  const secret = reg.secrets[0]?.value;
  if (secret === undefined)
    throw new Error(`registrations: ${app} calls downstream APIs but has no client secret`);
  const downstreams = downstreamEnv(tenant, reg, endpoints, app === ServiceApp.Bff);
  const delegates = Object.values(downstreams).includes(VERIFIED_DELEGATION);
  if (delegates && reg.delegationKey?.pem === undefined)
    throw new Error(
      `registrations: ${app} calls downstream APIs by verified delegation but has no delegationKey; add delegationKey: { path: keys/${app}-delegation.pem } to its registration`,
    );
  return {
    AUTH_AUTHORITY: tenant.identity.authority,
    AUTH_KNOWN_AUTHORITIES: tenant.identity.knownAuthorities.join(','),
    AUTH_CLIENT_ID: reg.clientId,
    AUTH_CLIENT_SECRET: secret,
    ...(delegates ? { AUTH_DELEGATION_SIGNING_KEY: reg.delegationKey?.pem ?? '' } : {}),
    ...downstreams,
  };
}

const VERIFIED_DELEGATION = 'verified-delegation';

/**
 * `DOWNSTREAM_APIS__<NAME>__*` from `requiredResourceAccess`. Delegated permissions → on-behalf-of with
 * those scopes; in a B2C tenant, which has no on-behalf-of, → verified delegation: the caller's own
 * `<App ID URI>/.default` token plus a signed proof conveying the delegated scopes. Application
 * permissions only → client credentials with `<App ID URI>/.default` (only `.default` is valid there).
 */
function downstreamEnv(
  tenant: TenantView,
  reg: ApplicationRegistration,
  endpoints: LocalEndpoints,
  relays: boolean,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const access of mergedByResource(reg.requiredResourceAccess)) {
    const resource = tenant.app(access.resource);
    // Named after the part the resource plays (DOWNSTREAM_APIS__PROGRAM__*), whatever the file calls it.
    const part = roleOf(resource) ?? resource.name;
    const name = downstreamName(part);
    const appIdUri = resource.identifierUris[0] ?? `api://${resource.clientId}`;
    const prefix = `DOWNSTREAM_APIS__${name}__`;
    env[`${prefix}BASE_URL`] = serviceUrl(endpoints, part, reg.name);
    if (relays && tenant.api(part)?.relay === true) {
      if (access.delegated.length === 0)
        throw new Error(
          `chain.yaml: ${part} is relayed by the BFF (relay: true), which relays on behalf of the user only, but the BFF's registration grants it no delegated permission on ${resource.name}; add delegated: [<scope>] to its requiredResourceAccess`,
        );
      env[`${prefix}RELAY`] = 'true';
    }
    if (access.delegated.length === 0) {
      env[`${prefix}FLOW`] = 'client-credentials';
      env[`${prefix}SCOPES`] = `${appIdUri}/.default`;
    } else if (tenant.kind === TenantKind.B2c) {
      env[`${prefix}FLOW`] = VERIFIED_DELEGATION;
      env[`${prefix}SCOPES`] = `${appIdUri}/.default`;
      env[`${prefix}DELEGATED_SCOPES`] = access.delegated.join(' ');
    } else {
      env[`${prefix}FLOW`] = 'on-behalf-of';
      env[`${prefix}SCOPES`] = access.delegated.map((scope) => `${appIdUri}/${scope}`).join(' ');
    }
  }
  return env;
}

/** One entry per resource (a file may grant a resource's delegated and application permissions apart). */
function mergedByResource(entries: readonly ResourceAccess[]): ResourceAccess[] {
  const merged = new Map<string, ResourceAccess>();
  for (const entry of entries) {
    const seen = merged.get(entry.resource);
    merged.set(
      entry.resource,
      seen === undefined
        ? entry
        : {
            ...seen,
            delegated: [...seen.delegated, ...entry.delegated],
            application: [...seen.application, ...entry.application],
            consented: seen.consented && entry.consented,
          },
    );
  }
  return [...merged.values()];
}

/** The base URL of one of the chain's APIs; `caller` names who needs it in the error. */
function serviceUrl(endpoints: LocalEndpoints, name: string, caller?: string): string {
  const url = endpoints.services[name];
  if (url === undefined)
    throw new Error(`registrations: ${caller ?? 'the chain'} needs ${name}, which has no URL`);
  return url;
}

function listOrUndefined(values: readonly string[]): string | undefined {
  return values.length > 0 ? values.join(',') : undefined;
}

/** Read-only queries over the registrations that the env derivation needs. */
class TenantView {
  readonly id: string;
  readonly kind: TenantKind;
  readonly identity: IdentityEndpoints;

  constructor(
    private readonly reg: Registrations,
    endpoints: LocalEndpoints,
    private readonly manifest: ChainManifest,
  ) {
    const tenant = reg.tenants[0] as TenantRegistration;
    this.id = tenant.id;
    this.kind = tenant.kind;
    this.identity = identityEndpoints(tenant, {
      publicUrl: endpoints.emulatorPublicUrl,
      internalUrl: endpoints.emulatorInternalUrl,
    });
  }

  /** The application named `name` (as `requiredResourceAccess` names its resources). */
  app(name: string): ApplicationRegistration {
    const found = this.reg.applications.find((a) => a.name === name);
    if (found === undefined) throw new Error(`registrations: no application named ${name}`);
    return found;
  }

  /** The application that plays `part` of the chain (`bff`, `program-service`, …), whatever its name. */
  part(part: string): ApplicationRegistration {
    return applicationFor(this.reg, part);
  }

  /** The chain manifest's entry for `part`, if it is one of its APIs. */
  api(part: string): ChainApi | undefined {
    return this.manifest.apis.find((a) => a.app === part);
  }

  /** Client ids of the apps granted (consented) application permissions on `resource`: its allowed callers. */
  applicationCallersOf(resource: string): string[] {
    return this.reg.applications
      .filter((a) => a.type === 'confidential')
      .filter((a) =>
        a.requiredResourceAccess.some(
          (r) =>
            r.resource === resource && r.consented && r.application.length > 0 && r.delegated.length === 0,
        ),
      )
      .map((a) => a.clientId);
  }

  /** Apps with consented delegated permissions on `resource` (B2C: they convey users by verified delegation). */
  delegatingCallersOf(resource: string): { app: ApplicationRegistration; scopes: string[] }[] {
    // Only confidential clients call APIs on their own; a SPA's delegated permission is its sign-in.
    return this.reg.applications
      .filter((a) => a.type === 'confidential')
      .flatMap((app) =>
        app.requiredResourceAccess
          .filter((r) => r.resource === resource && r.consented && r.delegated.length > 0)
          .map((r) => ({ app, scopes: [...r.delegated] })),
      );
  }

  /** `extension_<Name>` of every custom attribute the users carry (B2C user-flow claims). */
  customAttributeClaims(): string[] {
    const names = new Set(this.reg.users.flatMap((u) => Object.keys(u.customAttributes)));
    return [...names].map((n) => `extension_${n}`);
  }

  /** Origins of the SPA redirect URIs (the browser origins the BFF allows by CORS). */
  spaRedirectOrigins(): string[] {
    const uris = this.reg.applications.filter((a) => a.type === 'spa').flatMap((a) => a.redirectUris);
    return [...new Set(uris.map((u) => new URL(u).origin))];
  }
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}
