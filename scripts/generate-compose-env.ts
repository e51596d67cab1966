// Writes docker/env/<mode>/<app>.env, the environment of each app in docker-compose.yml, for every identity
// mode whose registrations file exists (libs/local-tenant/registrations.yaml for entra,
// registrations.<mode>.yaml for the others), through localAppEnv() — the same derivation `npm start` uses —
// so no client id, audience, scope or demo secret is written by hand. docker-compose.yml picks the
// directory with IDENTITY_MODE (default entra).
//
//   npx tsx scripts/generate-compose-env.ts           write the files
//   npx tsx scripts/generate-compose-env.ts --check   exit 1 if a committed file differs
//
// test/compose/compose-env.e2e-spec.ts fails when the committed files differ from this output. A stray file
// under docker/env (one this script does not write) counts as out of date too: compose would still read it.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import {
  IDENTITY_MODES,
  type IdentityMode,
  loadRegistrationsFor,
  localAppEnv,
  type LocalEndpoints,
  type Registrations,
  registrationsFileOf,
} from '@chain/local-tenant';

/** Every app of docker-compose.yml, by its name (= its docker/Dockerfile target and env file name). */
export const COMPOSE_APPS = [
  'identity-emulator',
  'program-service',
  'pricing-service',
  'documents-service',
  'bff',
  'web',
] as const;
export type ComposeApp = (typeof COMPOSE_APPS)[number];

/** Where the emulator's data volume (CA, server certificate, signing keys) is mounted in every container. */
export const EMULATOR_DATA_DIR = '/var/lib/emulator';

/** PostgreSQL of the compose file (internal network only; a local demo password, not a secret). */
export const COMPOSE_DATABASE_URL = 'postgres://chain:chain-local-only@postgres:5432/programmes';

/** Where the registrations files are in the images (docker/Dockerfile copies every mode's file there). */
export const IMAGE_TENANT_DIR = '/app/libs/local-tenant';

/** The registrations file of `mode` inside the images. */
export function imageRegistrationsPath(mode: IdentityMode): string {
  return `${IMAGE_TENANT_DIR}/${basename(registrationsFileOf(mode))}`;
}

/**
 * The compose topology as localAppEnv() takes it: the public issuer stays https://localhost:8443 (what the
 * browser on the host reaches), while the containers reach the emulator and each other by service name.
 */
export function composeEndpoints(mode: IdentityMode = 'entra'): LocalEndpoints {
  return { ...COMPOSE_ENDPOINTS, registrationsPath: imageRegistrationsPath(mode) };
}

const COMPOSE_ENDPOINTS: LocalEndpoints = {
  emulatorPublicUrl: 'https://localhost:8443',
  emulatorInternalUrl: 'https://identity-emulator:8443',
  services: {
    // The BFF's balancer: what the services reach for the BFF's delegation keys (b2c mode). The browser
    // reaches the same balancer on the host, at the published http://localhost:3000 (web's BFF_URL).
    bff: 'http://bff-lb:3000',
    'program-service': 'http://program-service:3001',
    'pricing-service': 'http://pricing-service:3002',
    'documents-service': 'http://documents-service:3003',
  },
  host: '0.0.0.0',
  blobEndpoint: 'http://azurite:10000/devstoreaccount1',
  redisUrl: 'redis://redis:6379',
  databaseUrl: COMPOSE_DATABASE_URL,
  emulatorDataDir: EMULATOR_DATA_DIR,
  logLevel: 'info',
};

/** The browser-facing addresses the SPA's server hands to the browser. */
function webEnv(mode: IdentityMode): Record<string, string> {
  return {
    HOST: '0.0.0.0',
    PORT: '8080',
    BFF_URL: 'http://localhost:3000',
    EMULATOR_PUBLIC_URL: COMPOSE_ENDPOINTS.emulatorPublicUrl,
    EMULATOR_REGISTRATIONS: imageRegistrationsPath(mode),
  };
}

/** The environment of one app in docker-compose.yml, in `mode` (default: that mode's registrations file). */
export function composeAppEnv(
  app: ComposeApp,
  mode: IdentityMode = 'entra',
  registrations: Registrations = loadRegistrationsFor(mode),
): Record<string, string> {
  if (app === 'web') return webEnv(mode);
  const env = localAppEnv(app, composeEndpoints(mode), registrations);
  if (app === 'identity-emulator') return env;
  // The APIs call the emulator over HTTPS (JWKS, token endpoint): trust its CA, read from the shared volume.
  return {
    ...delegationKeyFile(env, mode),
    ...knownAuthorities(env),
    NODE_EXTRA_CA_CERTS: `${EMULATOR_DATA_DIR}/ca.pem`,
  };
}

/**
 * A caller's delegation signing key (b2c mode) as a file in the image rather than a multi-line PEM in an
 * env file: `AUTH_DELEGATION_SIGNING_KEY_FILE` names the demo key under libs/local-tenant/keys/ that
 * docker/Dockerfile copies into every image.
 */
function delegationKeyFile(env: Record<string, string>, mode: IdentityMode): Record<string, string> {
  const { AUTH_DELEGATION_SIGNING_KEY: pem, ...rest } = env;
  if (pem === undefined) return env;
  return { ...rest, AUTH_DELEGATION_SIGNING_KEY_FILE: `${IMAGE_TENANT_DIR}/${keyFileOf(pem, mode)}` };
}

/** `keys/<file>.pem`: the file of the tenant directory's keys/ holding `pem`. */
function keyFileOf(pem: string, mode: IdentityMode): string {
  const keys = join(dirname(registrationsFileOf(mode)), 'keys');
  const names = existsSync(keys) ? readdirSync(keys).filter((name) => name.endsWith('.pem')) : [];
  const found = names.find((name) => readFileSync(join(keys, name), 'utf8').trim() === pem.trim());
  if (found === undefined)
    throw new Error(
      `${mode}: a delegation key of ${basename(registrationsFileOf(mode))} is not a file of ${keys}; give it as delegationKey: { path: keys/<app>-delegation.pem }`,
    );
  return `keys/${found}`;
}

/**
 * MSAL (msal-common 16) checks the `issuer` of the discovery document against the authority: it must
 * share the authority's host or be in `knownAuthorities`. Here the authority is the internal
 * identity-emulator:8443 and the issuer the public localhost:8443, so a caller lists both hosts
 * (checked with msal-node: with the internal host alone, every token request fails with
 * `endpoints_resolution_error`).
 */
function knownAuthorities(env: Record<string, string>): Record<string, string> {
  const known = env['AUTH_KNOWN_AUTHORITIES'];
  if (known === undefined) return {};
  const hosts = [...known.split(','), new URL(COMPOSE_ENDPOINTS.emulatorPublicUrl).host];
  return { AUTH_KNOWN_AUTHORITIES: [...new Set(hosts)].join(',') };
}

/** The generated ConfigMap sources of deploy/overlays/local. */
const KUBERNETES_CONFIG_DIR = 'deploy/overlays/local/config';

/** Where deploy/overlays/local (a local Kubernetes cluster) mounts the emulator's CA in the APIs' pods. */
export const KUBERNETES_CA_FILE = '/var/lib/emulator-ca/ca.pem';

/**
 * The local cluster's topology (deploy/overlays/local): Services by app name, the BFF's Service itself (no
 * separate balancer), PostgreSQL with trust authentication inside the namespace (only program-service may
 * reach it), and the browser on `kubectl port-forward` at the same localhost ports as with compose.
 */
const KUBERNETES_ENDPOINTS: LocalEndpoints = {
  ...COMPOSE_ENDPOINTS,
  services: { ...COMPOSE_ENDPOINTS.services, bff: 'http://bff:3000' },
  databaseUrl: 'postgres://chain@postgres:5432/programmes',
  registrationsPath: imageRegistrationsPath('entra'),
};

/**
 * Variables the local cluster does not take from a ConfigMap: no client secret (workload identity: the
 * pods exchange a projected service-account token) and the token-cache key (the one Secret).
 */
const NOT_IN_CONFIG_MAPS = ['AUTH_CLIENT_SECRET', 'TOKEN_CACHE_ENCRYPTION_KEY'];

/** `deploy/overlays/local/config/<app>.env`: the ConfigMaps of the local overlay (entra mode). */
export function kubernetesEnvFiles(
  registrations: Registrations = loadRegistrationsFor('entra'),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const app of COMPOSE_APPS) {
    const env =
      app === 'web'
        ? { ...webEnv('entra') }
        : app === 'identity-emulator'
          ? localAppEnv(app, KUBERNETES_ENDPOINTS, registrations)
          : {
              ...Object.fromEntries(
                Object.entries(localAppEnv(app, KUBERNETES_ENDPOINTS, registrations)).filter(
                  ([key]) => !NOT_IN_CONFIG_MAPS.includes(key),
                ),
              ),
              ...knownAuthorities(localAppEnv(app, KUBERNETES_ENDPOINTS, registrations)),
              NODE_EXTRA_CA_CERTS: KUBERNETES_CA_FILE,
            };
    files.set(
      `deploy/overlays/local/config/${app}.env`,
      renderEnvFile(app, 'entra', env, 'deploy/overlays/local'),
    );
  }
  return files;
}

/** The identity modes whose registrations file exists under `tenantDir`: the modes compose can run. */
export function composeModes(tenantDir?: string): IdentityMode[] {
  return IDENTITY_MODES.filter((mode) => existsSync(registrationsFileOf(mode, tenantDir)));
}

/**
 * The env files under docker/env of the given modes (default: every mode with a registrations file), by
 * path relative to the repository root, with their content.
 */
export function composeEnvFiles(modes: readonly IdentityMode[] = composeModes()): Map<string, string> {
  const files = new Map<string, string>();
  for (const mode of modes) {
    const registrations = loadRegistrationsFor(mode);
    for (const app of COMPOSE_APPS)
      files.set(envFilePath(app, mode), renderEnvFile(app, mode, composeAppEnv(app, mode, registrations)));
  }
  return files;
}

/** `docker/env/<mode>/<app>.env`. */
export function envFilePath(app: ComposeApp, mode: IdentityMode = 'entra'): string {
  return `docker/env/${mode}/${app}.env`;
}

// Values both Compose implementations read literally: v1 takes env-file values as they are, v2 parses
// dotenv (a value opening with a quote is quoted, `$` interpolates, ` #` starts a comment, `\` escapes).
// Quotes inside a value (JSON) are literal to both. Anything outside this set could differ between them.
const PORTABLE_VALUE = /^[^\s"'`$\\#]([^$\\#\n\r]*[^\s$\\#])?$/;

function renderEnvFile(
  app: ComposeApp,
  mode: IdentityMode,
  env: Record<string, string>,
  where = 'docker-compose.yml',
): string {
  const lines = Object.keys(env)
    .sort()
    .map((key) => {
      const value = env[key] as string;
      if (!PORTABLE_VALUE.test(value))
        throw new Error(`${mode}/${app}: ${key} has a value an env file cannot carry portably`);
      return `${key}=${value}`;
    });
  return [
    `# ${app} in ${where}, IDENTITY_MODE=${mode}. GENERATED by scripts/generate-compose-env.ts`,
    `# from libs/local-tenant/${basename(registrationsFileOf(mode))}: do not edit, re-run the script.`,
    '# Local demo values only (demo client secrets, public dev keys): never valid outside this setup.',
    ...lines,
    '',
  ].join('\n');
}

/**
 * The env files under `<root>/docker/env` (and, with `kubernetes`, the local overlay's config under
 * deploy/) that differ from the generator's output, and those it does not write (stale leftovers); empty
 * when the committed files are current.
 */
export function outdatedComposeEnvFiles(
  root: string,
  modes: readonly IdentityMode[] = composeModes(),
  kubernetes = true,
): string[] {
  const files = new Map([...composeEnvFiles(modes), ...(kubernetes ? kubernetesEnvFiles() : [])]);
  const differing = [...files]
    .filter(([path, content]) => readIfExists(join(root, path)) !== content)
    .map(([path]) => path);
  const stray = [
    ...filesUnder(join(root, 'docker/env'), 'docker/env'),
    ...(kubernetes ? filesUnder(join(root, KUBERNETES_CONFIG_DIR), KUBERNETES_CONFIG_DIR) : []),
  ]
    .filter((path) => !files.has(path))
    .map((path) => `${path} (not generated)`);
  return [...differing, ...stray];
}

function filesUnder(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) =>
      statSync(join(dir, name)).isDirectory()
        ? filesUnder(join(dir, name), `${prefix}/${name}`)
        : [`${prefix}/${name}`],
    );
}

function main(argv: readonly string[]): number {
  const root = resolve(__dirname, '..');
  if (argv.includes('--check')) {
    const outdated = outdatedComposeEnvFiles(root);
    for (const path of outdated) console.error(`out of date: ${path}`);
    if (outdated.length > 0) console.error('run: npx tsx scripts/generate-compose-env.ts');
    return outdated.length > 0 ? 1 : 0;
  }
  const files = new Map([...composeEnvFiles(), ...kubernetesEnvFiles()]);
  const differing = [...files].filter(([path, content]) => readIfExists(join(root, path)) !== content);
  for (const [path, content] of differing) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(
    `docker/env: ${differing.length} of ${files.size} files written (modes: ${composeModes().join(', ')})`,
  );
  const stray = outdatedComposeEnvFiles(root).filter((path) => path.endsWith('(not generated)'));
  for (const path of stray) console.error(`remove it, nothing generates it: ${path}`);
  return stray.length > 0 ? 1 : 0;
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
