// Writes docker/env/<mode>/<app>.env, the environment of each app in docker-compose.yml, for every identity
// mode whose registrations file exists (libs/local-tenant/registrations.yaml for entra,
// registrations.<mode>.yaml for the others), through localAppEnv() — the same derivation `npm start` uses —
// so no client id, audience, scope or demo secret is written by hand. docker-compose.yml picks the
// directory with IDENTITY_MODE (default entra). It also writes the services of chain.yaml's APIs in
// docker-compose.yml (between its GENERATED markers) and the local Kubernetes overlay's ConfigMap sources.
//
//   npx tsx scripts/generate-compose-env.ts           write the files
//   npx tsx scripts/generate-compose-env.ts --check   exit 1 if a committed file differs
//
// test/compose/compose-env.e2e-spec.ts fails when the committed files differ from this output. A stray file
// under docker/env (one this script does not write) counts as out of date too: compose would still read it.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import {
  chainApi,
  type ChainManifest,
  downstreamName,
  downstreamsOf,
  IDENTITY_MODES,
  type IdentityMode,
  loadChainManifest,
  loadRegistrationsFor,
  localAppEnv,
  type LocalEndpoints,
  type Registrations,
  registrationsFileOf,
  usesValue,
} from '@chain/local-tenant';

/**
 * Every app of docker-compose.yml, by its name (= its env file name): the emulator, the APIs of chain.yaml
 * (docker/Dockerfile's `api` target with APP=<app>) and the SPA.
 */
export function composeApps(manifest: ChainManifest = loadChainManifest()): ComposeApp[] {
  return ['identity-emulator', ...manifest.apis.map((api) => api.app), 'web'];
}
/** An app of docker-compose.yml: `identity-emulator`, `web`, or an API of chain.yaml. */
export type ComposeApp = string;

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
export function composeEndpoints(
  mode: IdentityMode = 'entra',
  manifest: ChainManifest = loadChainManifest(),
): LocalEndpoints {
  return {
    ...COMPOSE_ENDPOINTS,
    services: composeServiceUrls(manifest),
    registrationsPath: imageRegistrationsPath(mode),
  };
}

/**
 * Where each API is reached inside the compose network: its service, or `<app>-lb` for an API with replicas
 * (the BFF's balancer: what the services reach for the BFF's delegation keys in b2c mode; the browser reaches
 * the same balancer on the host, at the published http://localhost:3000, web's BFF_URL).
 */
function composeServiceUrls(manifest: ChainManifest): Record<string, string> {
  return Object.fromEntries(manifest.apis.map((api) => [api.app, `http://${reachedAs(api)}:${api.port}`]));
}

/** The compose service that answers for an API: itself, or its balancer when it has replicas. */
function reachedAs(api: { app: string; replicas: number }): string {
  return api.replicas > 1 ? `${api.app}-lb` : api.app;
}

const COMPOSE_ENDPOINTS: LocalEndpoints = {
  emulatorPublicUrl: 'https://localhost:8443',
  emulatorInternalUrl: 'https://identity-emulator:8443',
  services: {},
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
  manifest: ChainManifest = loadChainManifest(),
): Record<string, string> {
  if (app === 'web') return webEnv(mode);
  const env = localAppEnv(app, composeEndpoints(mode, manifest), registrations, manifest);
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

/** The markers around the generated API services in docker-compose.yml. */
export const COMPOSE_REGION = {
  start:
    '  # ── GENERATED from chain.yaml by scripts/generate-compose-env.ts: the APIs. Do not edit; re-run it. ──',
  end: '  # ── end of the generated APIs ──',
} as const;

/**
 * The services of chain.yaml's APIs in docker-compose.yml: one per API, or `<app>-1` … `<app>-n` for an API
 * with replicas (then reached through `<app>-lb`, a balancer the compose file declares by hand with its
 * docker/nginx/<app>-lb.conf). Each is built from docker/Dockerfile's `api` target, reads its generated env
 * file, publishes its port on 127.0.0.1 (a replicated one only through its balancer) and waits for the
 * emulator, the backing services its env names and the APIs it calls (the registrations of every mode).
 */
export function composeApiServices(
  manifest: ChainManifest = loadChainManifest(),
  modes: readonly IdentityMode[] = composeModes(),
): string {
  const apps = manifest.apis.map((api) => api.app);
  const registrations = modes.map((mode) => loadRegistrationsFor(mode));
  const blocks = manifest.apis.map((api) => {
    const downstreams = [...new Set(registrations.flatMap((reg) => downstreamsOf(api.app, apps, reg)))].map(
      (app) => reachedAs(chainApi(manifest, app)),
    );
    const needs = [
      'identity-emulator',
      ...(usesValue(api, 'databaseUrl') ? ['postgres'] : []),
      ...(usesValue(api, 'redisUrl') ? ['redis'] : []),
      ...(usesValue(api, 'blobConnectionString') ? ['azurite'] : []),
      ...downstreams,
    ];
    const names = api.replicas > 1 ? replicaNames(api.app, api.replicas) : [api.app];
    return names
      .map((name, i) =>
        [
          i === 0
            ? `  # ${api.app}: ${api.description}`
            : `  # ${name}: the same image and environment as ${names[0]}`,
          `  ${name}:`,
          '    <<: *app',
          '    build:',
          '      <<: *build',
          '      target: api',
          '      args:',
          '        <<: *build-args',
          `        APP: ${api.app}`,
          `    image: entra-api-chain/${api.app}:local`,
          `    env_file: docker/env/\${IDENTITY_MODE:-entra}/${api.app}.env`,
          ...(api.replicas > 1 ? [] : ['    ports:', `      - '127.0.0.1:${api.port}:${api.port}'`]),
          '    healthcheck:',
          '      <<: *app-healthcheck',
          `      test: ['CMD', 'node', 'docker/healthcheck.js', 'http://127.0.0.1:${api.port}/health/ready']`,
          '    depends_on:',
          ...needs.map((need) => `      ${need}: { condition: service_healthy }`),
        ].join('\n'),
      )
      .join('\n\n');
  });
  return [COMPOSE_REGION.start, '', blocks.join('\n\n'), '', COMPOSE_REGION.end].join('\n');
}

/** `bff-1`, `bff-2`: the services of an API with replicas. */
export function replicaNames(app: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${app}-${i + 1}`);
}

/** docker-compose.yml's text with its generated region replaced by `region`; throws without the markers. */
export function withComposeRegion(text: string, region: string): string {
  const start = text.indexOf(COMPOSE_REGION.start);
  const end = text.indexOf(COMPOSE_REGION.end);
  if (start < 0 || end < start)
    throw new Error(
      `docker-compose.yml: the markers of the generated APIs are missing; put these two lines under services:\n${COMPOSE_REGION.start}\n${COMPOSE_REGION.end}`,
    );
  return text.slice(0, start) + region + text.slice(end + COMPOSE_REGION.end.length);
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
function kubernetesEndpoints(manifest: ChainManifest): LocalEndpoints {
  return {
    ...COMPOSE_ENDPOINTS,
    services: Object.fromEntries(manifest.apis.map((api) => [api.app, `http://${api.app}:${api.port}`])),
    databaseUrl: 'postgres://chain@postgres:5432/programmes',
    registrationsPath: imageRegistrationsPath('entra'),
  };
}

/**
 * Variables the local cluster does not take from a ConfigMap: no client secret (workload identity: the
 * pods exchange a projected service-account token) and the token-cache key (the one Secret).
 */
const NOT_IN_CONFIG_MAPS = ['AUTH_CLIENT_SECRET', 'TOKEN_CACHE_ENCRYPTION_KEY'];

/**
 * `deploy/overlays/local/config/<app>.env`: the ConfigMaps of the local overlay (entra mode), for the apps
 * deploy/base deploys (`deploy/base/<app>.yaml`; an API added to chain.yaml is deployed once a team writes
 * its manifest there, docs/kubernetes.md) and the emulator of the overlay.
 */
export function kubernetesEnvFiles(
  registrations: Registrations = loadRegistrationsFor('entra'),
  manifest: ChainManifest = loadChainManifest(),
  root: string = resolve(__dirname, '..'),
): Map<string, string> {
  const files = new Map<string, string>();
  const KUBERNETES_ENDPOINTS = kubernetesEndpoints(manifest);
  const deployed = composeApps(manifest).filter(
    (app) => app === 'identity-emulator' || existsSync(join(root, 'deploy', 'base', `${app}.yaml`)),
  );
  // A caller's downstream that deploy/base does not deploy (yet) is left out of its ConfigMap: the cluster
  // runs what deploy/base declares, and a declared downstream with no Service would only fail at call time.
  const notDeployed = manifest.apis
    .filter((api) => !deployed.includes(api.app))
    .map((api) => `DOWNSTREAM_APIS__${downstreamName(api.app)}__`);
  for (const app of deployed) {
    const env =
      app === 'web'
        ? { ...webEnv('entra') }
        : app === 'identity-emulator'
          ? localAppEnv(app, KUBERNETES_ENDPOINTS, registrations, manifest)
          : {
              ...Object.fromEntries(
                Object.entries(localAppEnv(app, KUBERNETES_ENDPOINTS, registrations, manifest)).filter(
                  ([key]) => !NOT_IN_CONFIG_MAPS.includes(key) && !notDeployed.some((d) => key.startsWith(d)),
                ),
              ),
              ...knownAuthorities(localAppEnv(app, KUBERNETES_ENDPOINTS, registrations, manifest)),
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
export function composeEnvFiles(
  modes: readonly IdentityMode[] = composeModes(),
  manifest: ChainManifest = loadChainManifest(),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const mode of modes) {
    const registrations = loadRegistrationsFor(mode);
    for (const app of composeApps(manifest))
      files.set(
        envFilePath(app, mode),
        renderEnvFile(app, mode, composeAppEnv(app, mode, registrations, manifest)),
      );
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
  const files = new Map([
    ...composeEnvFiles(modes),
    ...(kubernetes ? kubernetesEnvFiles(undefined, undefined, root) : []),
    composeFileEntry(root, modes),
  ]);
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

/** docker-compose.yml as the generator would write it (its API services regenerated). */
function composeFileEntry(root: string, modes: readonly IdentityMode[]): [string, string] {
  const current = readIfExists(join(root, 'docker-compose.yml')) ?? '';
  return ['docker-compose.yml', withComposeRegion(current, composeApiServices(loadChainManifest(), modes))];
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
  const files = new Map([
    ...composeEnvFiles(),
    ...kubernetesEnvFiles(),
    composeFileEntry(root, composeModes()),
  ]);
  const differing = [...files].filter(([path, content]) => readIfExists(join(root, path)) !== content);
  for (const [path, content] of differing) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(
    `docker-compose.yml, docker/env, deploy/overlays/local/config: ${differing.length} of ${files.size} files written (modes: ${composeModes().join(', ')})`,
  );
  const stray = outdatedComposeEnvFiles(root).filter((path) => path.endsWith('(not generated)'));
  for (const path of stray) console.error(`remove it, nothing generates it: ${path}`);
  return stray.length > 0 ? 1 : 0;
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
