// Writes docker/env/<app>.env, the environment of each app in docker-compose.yml, from the tenant
// registrations through localAppEnv() — the same derivation `npm start` uses — so no client id,
// audience, scope or demo secret is written by hand.
//
//   npx tsx scripts/generate-compose-env.ts           write the files
//   npx tsx scripts/generate-compose-env.ts --check   exit 1 if a committed file differs
//
// test/compose/compose-env.e2e-spec.ts fails when the committed files differ from this output. A stray file
// under docker/env (one this script does not write) counts as out of date too: compose would still read it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { localAppEnv, type LocalEndpoints, type Registrations } from '@chain/local-tenant';

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

/**
 * The compose topology as localAppEnv() takes it: the public issuer stays https://localhost:8443 (what the
 * browser on the host reaches), while the containers reach the emulator and each other by service name.
 */
export const composeEndpoints: LocalEndpoints = {
  emulatorPublicUrl: 'https://localhost:8443',
  emulatorInternalUrl: 'https://identity-emulator:8443',
  services: {
    // Nobody calls the BFF from inside the network; the browser reaches it on the host.
    bff: 'http://localhost:3000',
    'program-service': 'http://program-service:3001',
    'pricing-service': 'http://pricing-service:3002',
    'documents-service': 'http://documents-service:3003',
  },
  host: '0.0.0.0',
  blobEndpoint: 'http://azurite:10000/devstoreaccount1',
  redisUrl: 'redis://redis:6379',
  databaseUrl: COMPOSE_DATABASE_URL,
  emulatorDataDir: EMULATOR_DATA_DIR,
  registrationsPath: '/app/libs/local-tenant/registrations.yaml',
  logLevel: 'info',
};

/** The browser-facing addresses the SPA's server hands to the browser. */
const webEnv: Record<string, string> = {
  HOST: '0.0.0.0',
  PORT: '8080',
  BFF_URL: 'http://localhost:3000',
  EMULATOR_PUBLIC_URL: composeEndpoints.emulatorPublicUrl,
  EMULATOR_REGISTRATIONS: '/app/libs/local-tenant/registrations.yaml',
};

/** The environment of one app in docker-compose.yml. */
export function composeAppEnv(app: ComposeApp, registrations?: Registrations): Record<string, string> {
  if (app === 'web') return webEnv;
  const env = localAppEnv(app, composeEndpoints, registrations);
  if (app === 'identity-emulator') return env;
  // The APIs call the emulator over HTTPS (JWKS, token endpoint): trust its CA, read from the shared volume.
  return { ...env, ...knownAuthorities(env), NODE_EXTRA_CA_CERTS: `${EMULATOR_DATA_DIR}/ca.pem` };
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
  const hosts = [...known.split(','), new URL(composeEndpoints.emulatorPublicUrl).host];
  return { AUTH_KNOWN_AUTHORITIES: [...new Set(hosts)].join(',') };
}

/** The env files under docker/env, by path relative to the repository root, with their content. */
export function composeEnvFiles(registrations?: Registrations): Map<string, string> {
  return new Map(
    COMPOSE_APPS.map((app) => [envFilePath(app), renderEnvFile(app, composeAppEnv(app, registrations))]),
  );
}

/** `docker/env/<app>.env`. */
export function envFilePath(app: ComposeApp): string {
  return `docker/env/${app}.env`;
}

// Values both Compose implementations read literally: v1 takes env-file values as they are, v2 parses
// dotenv (quotes, `$` interpolation, ` #` comments). Anything outside this set could differ between them.
const PORTABLE_VALUE = /^[^\s"'`$\\#]([^"'`$\\#\n]*[^\s"'`$\\#])?$/;

function renderEnvFile(app: ComposeApp, env: Record<string, string>): string {
  const lines = Object.keys(env)
    .sort()
    .map((key) => {
      const value = env[key] as string;
      if (!PORTABLE_VALUE.test(value))
        throw new Error(`${app}: ${key} has a value an env file cannot carry portably`);
      return `${key}=${value}`;
    });
  return [
    `# ${app} in docker-compose.yml. GENERATED by scripts/generate-compose-env.ts from`,
    '# libs/local-tenant/registrations.yaml: do not edit, re-run the script.',
    '# Local demo values only (demo client secrets, public dev keys): never valid outside this setup.',
    ...lines,
    '',
  ].join('\n');
}

/**
 * The env files under `<root>/docker/env` that differ from the generator's output, and those it does not
 * write (stale leftovers); empty when the committed files are current.
 */
export function outdatedComposeEnvFiles(root: string, registrations?: Registrations): string[] {
  const files = composeEnvFiles(registrations);
  const differing = [...files]
    .filter(([path, content]) => readIfExists(join(root, path)) !== content)
    .map(([path]) => path);
  const dir = join(root, 'docker/env');
  const present = existsSync(dir) ? readdirSync(dir).map((name) => `docker/env/${name}`) : [];
  const stray = present.filter((path) => !files.has(path)).map((path) => `${path} (not generated)`);
  return [...differing, ...stray];
}

function main(argv: readonly string[]): number {
  const root = resolve(__dirname, '..');
  if (argv.includes('--check')) {
    const outdated = outdatedComposeEnvFiles(root);
    for (const path of outdated) console.error(`out of date: ${path}`);
    if (outdated.length > 0) console.error('run: npx tsx scripts/generate-compose-env.ts');
    return outdated.length > 0 ? 1 : 0;
  }
  const files = composeEnvFiles();
  mkdirSync(join(root, 'docker/env'), { recursive: true });
  const differing = [...files].filter(([path, content]) => readIfExists(join(root, path)) !== content);
  for (const [path, content] of differing) writeFileSync(join(root, path), content);
  console.log(`docker/env: ${differing.length} of ${files.size} files written`);
  const stray = outdatedComposeEnvFiles(root).filter((path) => path.endsWith('(not generated)'));
  for (const path of stray) console.error(`remove it, nothing generates it: ${path}`);
  return stray.length > 0 ? 1 : 0;
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
