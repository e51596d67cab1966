import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  loadRegistrations,
  type LocalApp,
  localAppEnv,
  type LocalEndpoints,
  ServiceApp,
} from '@chain/local-tenant';

import { launchAzurite } from '../processes/azurite';
import { type ChildApp, launchChildApp } from '../processes/child-app';
import { baseChildEnv } from '../processes/child-env.config';
import { freePort } from '../processes/free-port';
import { waitReady } from '../processes/wait-ready';
import { Chain, type StartChainOptions } from './chain';
import { builtEntry, repoRoot } from './repo-root';

const ALL_APIS: readonly ServiceApp[] = Object.values(ServiceApp);

interface Launch {
  readonly root: string;
  readonly options: StartChainOptions;
  readonly logDir: string;
  readonly dataDir: string;
  readonly started: ChildApp[];
}

/**
 * Starts the chain as separate processes from `dist/` (it builds nothing): the emulator with its test
 * endpoints and a temporary data dir, Azurite in memory, then the APIs on random loopback ports with the
 * env of `localAppEnv()`, each trusting the emulator's CA through NODE_EXTRA_CA_CERTS. Resolves once every
 * `/health/ready` answers 200. Each child's output goes to `test-artifacts/logs/<label>-<time>/<name>.log`.
 */
export async function startChain(options: StartChainOptions = {}): Promise<Chain> {
  const root = repoRoot();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const launch: Launch = {
    root,
    options,
    logDir: join(root, 'test-artifacts', 'logs', `${options.label ?? 'chain'}-${stamp}`),
    dataDir: await mkdtemp(join(tmpdir(), 'chain-emulator-')),
    started: [],
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
  const registrations = loadRegistrations(join(launch.root, 'libs', 'local-tenant', 'registrations.yaml'));
  const apis = launch.options.apps ?? ALL_APIS;
  const endpoints = await pickEndpoints(launch);
  const [caPem, blobEndpoint] = await Promise.all([
    startEmulator(launch, endpoints),
    apis.includes(ServiceApp.Documents) ? startAzurite(launch) : Promise.resolve(undefined),
  ]);
  const ready = { ...endpoints, ...(blobEndpoint === undefined ? {} : { blobEndpoint }) };
  await Promise.all(
    apis.map(async (app) => {
      const env = {
        ...localAppEnv(app, ready, registrations),
        NODE_EXTRA_CA_CERTS: join(launch.dataDir, 'ca.pem'),
      };
      const child = await startNode(launch, app, env);
      await waitReady(app, ready.services[app], { process: child });
    }),
  );
  const urls = Object.fromEntries(apis.map((app) => [app, ready.services[app]]));
  const cleanup = () => rm(launch.dataDir, { recursive: true, force: true });
  const tenantId = (registrations.tenants[0] as { id: string }).id;
  const caFile = join(launch.dataDir, 'ca.pem');
  return new Chain(
    endpoints.emulatorPublicUrl,
    tenantId,
    caPem,
    caFile,
    registrations,
    urls,
    launch.logDir,
    launch.started,
    cleanup,
  );
}

/** Free loopback ports for the emulator and every API, picked up front so the APIs start in parallel. */
async function pickEndpoints(launch: Launch): Promise<LocalEndpoints> {
  const [emulator, bff, program, pricing, documents] = await Promise.all(
    [1, 2, 3, 4, 5].map(() => freePort()),
  );
  const http = (port: number | undefined): string => `http://127.0.0.1:${String(port)}`;
  return {
    emulatorPublicUrl: `https://localhost:${String(emulator)}`,
    services: {
      bff: http(bff),
      'program-service': http(program),
      'pricing-service': http(pricing),
      'documents-service': http(documents),
    },
    emulatorDataDir: launch.dataDir,
    registrationsPath:
      launch.options.emulatorRegistrationsPath ??
      join(launch.root, 'libs', 'local-tenant', 'registrations.yaml'),
    ...(launch.options.redisUrl === undefined ? {} : { redisUrl: launch.options.redisUrl }),
    ...(launch.options.databaseUrl === undefined ? {} : { databaseUrl: launch.options.databaseUrl }),
    ...(launch.options.logLevel === undefined ? {} : { logLevel: launch.options.logLevel }),
  };
}

/** Starts the emulator with its test endpoints and resolves with its CA once it is ready. */
async function startEmulator(launch: Launch, endpoints: LocalEndpoints): Promise<string> {
  const lifetime = launch.options.tokenLifetimeSeconds;
  const env = {
    ...localAppEnv('identity-emulator', endpoints),
    EMULATOR_TEST_ENDPOINTS: 'true',
    ...(lifetime === undefined ? {} : { EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS: String(lifetime) }),
  };
  const child = await startNode(launch, 'identity-emulator', env);
  const caPem = await readFile(join(launch.dataDir, 'ca.pem'), 'utf8');
  await waitReady('identity-emulator', endpoints.emulatorPublicUrl, { ca: caPem, process: child });
  return caPem;
}

async function startAzurite(launch: Launch): Promise<string> {
  const { app, blobEndpoint } = await launchAzurite({
    root: launch.root,
    env: baseChildEnv(),
    port: 0,
    logFile: join(launch.logDir, 'azurite.log'),
  });
  launch.started.push(app);
  return blobEndpoint;
}

async function startNode(launch: Launch, app: LocalApp, derived: Record<string, string>): Promise<ChildApp> {
  const { app: child } = await launchChildApp({
    name: app,
    command: process.execPath,
    args: [builtEntry(launch.root, app)],
    cwd: launch.root,
    env: { ...baseChildEnv(), ...derived, ...launch.options.env?.[app] },
    logFile: join(launch.logDir, `${app}.log`),
  });
  launch.started.push(child);
  return child;
}
