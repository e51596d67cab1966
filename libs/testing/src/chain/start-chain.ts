import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  chainApi,
  type ChainManifest,
  identityEndpoints,
  type IdentityMode,
  loadChainManifest,
  loadRegistrationsFor,
  type LocalApp,
  localAppEnv,
  type LocalEndpoints,
  parseIdentityMode,
  type Registrations,
  registrationsFileOf,
  startStages,
  usesValue,
} from '@chain/local-tenant';

import { launchAzurite } from '../processes/azurite';
import { type ChildApp, launchChildApp, listeningUrlOf } from '../processes/child-app';
import { baseChildEnv } from '../processes/child-env.config';
import { freePort } from '../processes/free-port';
import { waitReady } from '../processes/wait-ready';
import { Chain, type StartChainOptions } from './chain';
import { builtEntry, repoRoot } from './repo-root';

/** URLs of APIs that are not running (yet): port 0, which is also what makes `localAppEnv` ask for a random port. */
function notStarted(manifest: ChainManifest): Record<string, string> {
  return Object.fromEntries(manifest.apis.map((api) => [api.app, 'http://127.0.0.1:0']));
}

/**
 * A free loopback port per API, chosen before any starts: a callee's configuration names its callers
 * (verified delegation: the caller's key set URL), so every URL must be known up front.
 */
async function reservedUrls(manifest: ChainManifest): Promise<Record<string, string>> {
  const urls = notStarted(manifest);
  for (const api of manifest.apis) urls[api.app] = `http://127.0.0.1:${await freePort()}`;
  return urls;
}

interface Launch {
  readonly root: string;
  readonly options: StartChainOptions;
  readonly identityMode: IdentityMode;
  /** The tenant file; {@link StartChainOptions.beforeApis} may replace it once the emulator runs. */
  registrationsPath: string;
  registrations: Registrations;
  /** chain.yaml: which APIs there are and their own env. */
  readonly manifest: ChainManifest;
  readonly logDir: string;
  readonly dataDir: string;
  readonly started: ChildApp[];
  /** The environment each API was started with, for replicas. */
  readonly envs: Record<string, Readonly<Record<string, string>>>;
}

/**
 * Starts the chain as separate processes from `dist/` (it builds nothing): the emulator with its test
 * endpoints and a temporary data dir, Azurite in memory, then the APIs, each trusting the emulator's CA
 * through NODE_EXTRA_CA_CERTS and configured by `localAppEnv()`. Every process listens on loopback port 0
 * and the harness reads the port from its `listening` log line, so nothing can collide with another run.
 * Resolves once every `/health/ready` answers 200. Each child's output goes to
 * `test-artifacts/logs/<label>-<time>/<name>.log`.
 */
export async function startChain(options: StartChainOptions = {}): Promise<Chain> {
  const root = repoRoot();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const identityMode = options.identityMode ?? parseIdentityMode(process.env['IDENTITY_MODE']);
  const registrationsPath =
    options.registrationsPath ?? registrationsFileOf(identityMode, join(root, 'libs', 'local-tenant'));
  const launch: Launch = {
    root,
    options,
    identityMode,
    registrationsPath,
    registrations: loadRegistrationsFor(identityMode, registrationsPath),
    manifest: loadChainManifest(options.manifestPath ?? join(root, 'chain.yaml')),
    logDir: join(root, 'test-artifacts', 'logs', `${options.label ?? 'chain'}-${stamp}`),
    dataDir: await mkdtemp(join(tmpdir(), 'chain-emulator-')),
    started: [],
    envs: {},
  };
  try {
    return await startAll(launch);
  } catch (error) {
    await Promise.all(launch.started.map((p) => p.stop(1_000)));
    await rm(launch.dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startAll(launch: Launch): Promise<Chain> {
  const { manifest } = launch;
  const apis = launch.options.apps ?? manifest.apis.map((api) => api.app);
  apis.forEach((app) => chainApi(manifest, app)); // names the manifest's APIs when one is unknown
  // Azurite runs when an API's env names it (documents-service's blob store).
  const needsBlob = apis.some((app) => usesValue(chainApi(manifest, app), 'blobConnectionString'));
  const [emulator, blobEndpoint] = await Promise.all([
    startEmulator(launch),
    needsBlob ? startAzurite(launch) : Promise.resolve(undefined),
  ]);
  const replaced = await launch.options.beforeApis?.({
    publicUrl: emulator.publicUrl,
    caFile: join(launch.dataDir, 'ca.pem'),
  });
  if (replaced !== undefined) {
    launch.registrationsPath = replaced;
    launch.registrations = loadRegistrationsFor(launch.identityMode, replaced);
  }
  const services = await reservedUrls(manifest);
  const running: { app: string; child: ChildApp }[] = [];
  // Callees first (the registrations' requiredResourceAccess): apps of one stage start in parallel.
  for (const stage of startStages(manifest, launch.registrations)) {
    const endpoints = endpointsFor(launch, emulator.publicUrl, services, blobEndpoint);
    const wanted = stage.filter((app) => apis.includes(app));
    const children = await Promise.all(wanted.map((app) => startApi(launch, app, endpoints)));
    children.forEach(({ child }, i) => running.push({ app: wanted[i] as string, child }));
  }
  await Promise.all(
    running.map(({ app, child }) => waitReady(app, services[app] as string, { process: child })),
  );
  const tenant = launch.registrations.tenants[0];
  if (tenant === undefined) throw new Error(`${launch.registrationsPath}: no tenant`);
  return new Chain({
    identityMode: launch.identityMode,
    identity: identityEndpoints(tenant, { publicUrl: emulator.publicUrl }),
    registrationsPath: launch.registrationsPath,
    emulatorUrl: emulator.publicUrl,
    tenantId: tenant.id,
    caPem: emulator.caPem,
    caFile: join(launch.dataDir, 'ca.pem'),
    registrations: launch.registrations,
    serviceUrls: Object.fromEntries(apis.map((app) => [app, services[app]])),
    logDir: launch.logDir,
    processes: launch.started,
    cleanup: () => rm(launch.dataDir, { recursive: true, force: true }),
    replicate: (app) => startReplica(launch, app),
  });
}

/** What `localAppEnv` needs, with the URLs known so far (an API not started yet has port 0). */
function endpointsFor(
  launch: Launch,
  emulatorPublicUrl: string,
  services: Readonly<Record<string, string>>,
  blobEndpoint: string | undefined,
): LocalEndpoints {
  const { redisUrl, databaseUrl, logLevel, emulatorRegistrationsPath } = launch.options;
  return {
    emulatorPublicUrl,
    services: { ...services },
    emulatorDataDir: launch.dataDir,
    registrationsPath: emulatorRegistrationsPath ?? launch.registrationsPath,
    ...(blobEndpoint === undefined ? {} : { blobEndpoint }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(logLevel === undefined ? {} : { logLevel }),
  };
}

interface StartedEmulator {
  readonly publicUrl: string;
  readonly caPem: string;
}

/** Starts the emulator with its test endpoints on a random port; resolves with its public URL and CA once ready. */
async function startEmulator(launch: Launch): Promise<StartedEmulator> {
  const lifetime = launch.options.tokenLifetimeSeconds;
  const endpoints = endpointsFor(launch, 'https://localhost:0', notStarted(launch.manifest), undefined);
  const env = {
    ...localAppEnv('identity-emulator', endpoints, launch.registrations),
    EMULATOR_TEST_ENDPOINTS: 'true',
    ...(lifetime === undefined ? {} : { EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS: String(lifetime) }),
  };
  const { child, url } = await startNode(launch, 'identity-emulator', env, emulatorPublicUrlOf);
  const caPem = await readFile(join(launch.dataDir, 'ca.pem'), 'utf8');
  await waitReady('identity-emulator', url, { ca: caPem, process: child });
  return { publicUrl: url, caPem };
}

/** The emulator's listening line names its public URL (the issuer host) beside the bound address. */
function emulatorPublicUrlOf(line: string): string | undefined {
  if (listeningUrlOf(line) === undefined) return undefined;
  const record = JSON.parse(line) as { publicUrl?: unknown; url?: unknown };
  return typeof record.publicUrl === 'string' ? record.publicUrl : (record.url as string);
}

async function startApi(
  launch: Launch,
  app: string,
  endpoints: LocalEndpoints,
): Promise<{ child: ChildApp; url: string }> {
  const env = {
    ...localAppEnv(app, endpoints, launch.registrations, launch.manifest),
    NODE_EXTRA_CA_CERTS: join(launch.dataDir, 'ca.pem'),
  };
  launch.envs[app] = env;
  return startNode(launch, app, env);
}

async function startReplica(launch: Launch, app: string): Promise<string> {
  const env = launch.envs[app];
  if (env === undefined) throw new Error(`${app} was not started in this chain`);
  const replica = `${app}-${launch.started.filter((p) => p.name.startsWith(app)).length + 1}`;
  // The first process holds the reserved port: a replica binds a random one.
  const { child, url } = await startNode(launch, app, { ...env, PORT: '0' }, undefined, replica);
  await waitReady(replica, url, { process: child });
  return url;
}

async function startAzurite(launch: Launch): Promise<string> {
  const { blobEndpoint } = await launchAzurite({
    root: launch.root,
    env: baseChildEnv(),
    port: 0,
    logFile: join(launch.logDir, 'azurite.log'),
    onSpawn: (child) => launch.started.push(child),
  });
  return blobEndpoint;
}

async function startNode(
  launch: Launch,
  app: LocalApp,
  derived: Readonly<Record<string, string>>,
  listening?: (line: string) => string | undefined,
  name: string = app,
): Promise<{ child: ChildApp; url: string }> {
  const { app: child, url } = await launchChildApp({
    name,
    command: process.execPath,
    args: [builtEntry(launch.root, app)],
    cwd: launch.root,
    env: { ...baseChildEnv(), ...derived, ...launch.options.env?.[app] },
    logFile: join(launch.logDir, `${name}.log`),
    onSpawn: (spawned) => launch.started.push(spawned),
    ...(listening === undefined ? {} : { listening }),
  });
  return { child, url };
}
