#!/usr/bin/env node
// `npm start`: the whole chain on this machine, no Docker, no Azure.
//
// Builds when dist/ is missing or older than the sources, checks the default ports (docs/running.md), then runs as child
// processes: the identity emulator (HTTPS, CA in .local/emulator/ca.pem), Azurite (in memory), the APIs of
// chain.yaml (env derived from it and libs/local-tenant/registrations.yaml by localAppEnv, started callees
// first) and the SPA when it exists.
// Every child trusts the emulator's CA through NODE_EXTRA_CA_CERTS. Ctrl-C (or SIGTERM) stops them all;
// if one dies, all are stopped and the script says which.
//
// Ports: chain.yaml's per API, overridden by <NAME>_PORT (BFF_PORT, PROGRAM_PORT, PRICING_PORT, DOCUMENTS_PORT,
// …); EMULATOR_PORT (8443), AZURITE_PORT (10000), WEB_PORT (8080; the SPA's redirect URI is registered for
// 8080 and the issuer carries the emulator's port).
// EMULATOR_DATA_DIR (default .local/emulator) keeps the generated CA and signing keys between runs.
// `--no-build` skips the staleness check (the chain e2e test uses it on a tree it has just built).
//
// Identity mode: `npm start -- --identity entra|external-id|b2c` (or IDENTITY_MODE=…) selects the tenant
// kind and its registrations file (libs/local-tenant/registrations[.<mode>].yaml); `--registrations <file>`
// (or REGISTRATIONS=<file>) gives another file of that kind. EMULATOR_TEST_ENDPOINTS=true enables the
// emulator's test-only admin and fault endpoints (loopback only; never on by default).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { readyBanner } from './lib/banner.mjs';
import { nestBuildReason, runBuild, webBuildReason } from './lib/build-if-needed.mjs';
import { readChainApis } from './lib/chain-apis.mjs';
import { linePrinter } from './lib/log-format.mjs';
import { takenPorts } from './lib/ports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: cli } = parseArgs({
  options: {
    'no-build': { type: 'boolean' },
    identity: { type: 'string' },
    registrations: { type: 'string' },
  },
});
const noBuild = cli['no-build'] === true;
const started = Date.now();
const CHAIN_APIS = readChainApis(root);
const APIS = CHAIN_APIS.map((api) => api.app);
const NEST_APPS = ['identity-emulator', ...APIS];
const port = (name, fallback) => Number(process.env[name] ?? fallback);
const PORTS = {
  'identity-emulator': port('EMULATOR_PORT', 8443),
  ...Object.fromEntries(CHAIN_APIS.map((api) => [api.app, port(api.portVariable, api.port)])),
  azurite: port('AZURITE_PORT', 10000),
  web: port('WEB_PORT', 8080),
};
const webBuildScript = join(root, 'apps', 'web', 'build.mjs');
const webServer = join(root, 'apps', 'web', 'dist', 'server.js');
const say = (text) => process.stdout.write(`[start] ${text}\n`);
const children = [];
let stopping = false;

async function main() {
  const webWanted = existsSync(webBuildScript) || existsSync(webServer);
  await refuseTakenPorts(webWanted);
  const hasWeb = noBuild ? webWanted && existsSync(webServer) : await buildWhenNeeded(webWanted);
  const require = createRequire(import.meta.url);
  const tenant = require(join(root, 'dist', 'libs', 'local-tenant', 'src', 'index.js'));
  const testing = require(join(root, 'dist', 'libs', 'testing', 'src', 'index.js'));
  const mode = tenant.parseIdentityMode(
    cli.identity ?? process.env.IDENTITY_MODE,
    cli.identity === undefined ? 'IDENTITY_MODE' : '--identity',
  );
  const registrationsPath = resolve(
    cli.registrations ??
      process.env.REGISTRATIONS ??
      tenant.registrationsFileOf(mode, join(root, 'libs', 'local-tenant')),
  );
  const registrations = tenant.loadRegistrationsFor(mode, registrationsPath);
  const manifest = tenant.loadChainManifest(join(root, 'chain.yaml'));
  const dataDir = resolve(root, process.env.EMULATOR_DATA_DIR ?? join('.local', 'emulator'));
  const endpoints = localEndpoints(dataDir, registrationsPath);
  const launch = launcher(testing);

  const azurite = startAzurite(testing);
  azurite.catch(() => undefined); // awaited below; a failure is reported there
  const caFile = join(dataDir, 'ca.pem');
  const caExists = existsSync(caFile) && existsSync(join(dataDir, 'ca-key.pem'));
  const emulator = launch('identity-emulator', [entryOf('identity-emulator')], {
    ...tenant.localAppEnv('identity-emulator', endpoints),
    ...(process.env.EMULATOR_TEST_ENDPOINTS === 'true' ? { EMULATOR_TEST_ENDPOINTS: 'true' } : {}),
  });
  emulator.catch(() => undefined); // awaited below
  // Node reads NODE_EXTRA_CA_CERTS only at start, so the other children start once the CA is on disk:
  // at once when an earlier run left it (the emulator reuses it), else when the emulator listens.
  if (!caExists) await emulator;
  const trust = { NODE_EXTRA_CA_CERTS: caFile };
  // An API whose env names Azurite (documents-service) prepares its blob container at boot: it waits for it.
  const startApi = async (app) => {
    const api = tenant.chainApi(manifest, app);
    const blobEndpoint = tenant.usesValue(api, 'blobConnectionString') ? await azurite : undefined;
    const env = tenant.localAppEnv(app, { ...endpoints, blobEndpoint }, registrations, manifest);
    const child = await launch(app, [entryOf(app)], { ...env, ...trust });
    await testing.waitReady(app, endpoints.services[app], { process: child });
  };
  // Every API starts at once: each is configured with the others' URLs, which are fixed ports here.
  await Promise.all([
    emulator.then((child) =>
      testing.waitReady('identity-emulator', endpoints.emulatorPublicUrl, {
        ca: readFileSync(caFile, 'utf8'),
        process: child,
      }),
    ),
    azurite,
    ...APIS.map(startApi),
    hasWeb ? startWeb(launch, endpoints, mode) : undefined,
  ]);
  printBanner({
    registrations,
    endpoints,
    dataDir,
    hasWeb,
    mode,
    identity: tenant.identityEndpoints(registrations.tenants[0], { publicUrl: endpoints.emulatorPublicUrl }),
  });
}

/** Builds what is stale; returns whether the SPA can run (a failed SPA build only leaves it out). */
async function buildWhenNeeded(webWanted) {
  const [, hasWeb] = await Promise.all([buildNest(), webWanted ? buildWeb() : false]);
  return hasWeb;
}

async function buildNest() {
  const nest = nestBuildReason(root, NEST_APPS);
  if (!nest) return;
  say(`building: ${nest} (npm run build) …`);
  say(`built in ${seconds(await runBuild(root, 'npm run build', 'npm', ['run', '--silent', 'build']))} s`);
}

/** The SPA's build (esbuild) runs beside the Nest build; a failure only leaves the SPA out. */
async function buildWeb() {
  const web = webBuildReason(root);
  if (web) {
    say(`building the SPA: ${web} (apps/web/build.mjs) …`);
    try {
      const ms = await runBuild(root, 'the SPA build', process.execPath, [webBuildScript]);
      say(`built the SPA in ${seconds(ms)} s`);
    } catch (error) {
      say(`${error.message}; starting without the SPA`);
      return false;
    }
  }
  return existsSync(webServer);
}

const seconds = (ms) => (ms / 1000).toFixed(1);

async function refuseTakenPorts(hasWeb) {
  const wanted = Object.entries(PORTS)
    .filter(([name]) => hasWeb || name !== 'web')
    .map(([name, p]) => ({ name, port: p }));
  const taken = await takenPorts(wanted);
  if (taken.length === 0) return;
  for (const sentence of taken) say(sentence);
  say(
    'stop what holds it (perhaps an earlier `npm start`) or choose another port, e.g. BFF_PORT=3100 npm start',
  );
  process.exit(1);
}

function localEndpoints(dataDir, registrationsPath) {
  const http = (p) => `http://127.0.0.1:${p}`;
  return {
    emulatorPublicUrl: `https://localhost:${PORTS['identity-emulator']}`,
    services: Object.fromEntries(APIS.map((app) => [app, http(PORTS[app])])),
    emulatorDataDir: dataDir,
    registrationsPath,
  };
}

/** Starts a child with a prefixed console output and the minimal inherited env; watches for early death. */
function launcher(testing) {
  const width = Math.max(...[...NEST_APPS, 'azurite', 'web'].map((n) => n.length));
  let index = 0;
  return async (name, args, env, extra = {}) => {
    const print = linePrinter(name, index++, width);
    const { app } = await testing.launchChildApp({
      name,
      command: process.execPath,
      args,
      cwd: root,
      // OpenTelemetry stays off unless the standard OTEL_* variables are given (docs/observability.md).
      env: { ...testing.baseChildEnv(), ...otelEnv(), ...env },
      onLine: print,
      onSpawn: watch,
      ...extra,
    });
    return app;
  };
}

const tenantFileOf = (mode) =>
  join(root, 'libs', 'local-tenant', mode === 'entra' ? 'registrations.yaml' : `registrations.${mode}.yaml`);

const otelEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_')));

const entryOf = (app) => join(root, 'dist', 'apps', app, 'src', 'main.js');

async function startAzurite(testing) {
  const print = linePrinter(
    'azurite',
    NEST_APPS.length + 1,
    Math.max(...[...NEST_APPS, 'azurite', 'web'].map((n) => n.length)),
  );
  const { blobEndpoint } = await testing.launchAzurite({
    root,
    env: testing.baseChildEnv(),
    port: PORTS.azurite,
    onLine: print,
    onSpawn: watch,
  });
  return blobEndpoint;
}

async function startWeb(launch, endpoints, mode) {
  await launch('web', [webServer], {
    IDENTITY_MODE: mode,
    HOST: '127.0.0.1',
    PORT: String(PORTS.web),
    BFF_URL: `http://localhost:${PORTS.bff}`,
    EMULATOR_PUBLIC_URL: endpoints.emulatorPublicUrl,
    EMULATOR_REGISTRATIONS: endpoints.registrationsPath,
  });
}

function printBanner({ registrations, endpoints, dataDir, hasWeb, mode, identity }) {
  const tenantId = registrations.tenants[0].id;
  const apps = [
    { name: 'identity-emulator', url: endpoints.emulatorPublicUrl },
    ...APIS.map((name) => ({ name, url: `http://localhost:${PORTS[name]}`, docs: true })),
    { name: 'azurite (blob)', url: `http://127.0.0.1:${PORTS.azurite}/devstoreaccount1` },
    ...(hasWeb ? [{ name: 'web (SPA)', url: `http://localhost:${PORTS.web}/` }] : []),
  ];
  const seconds = (Date.now() - started) / 1000;
  const caFile = join(dataDir, 'ca.pem').replace(`${root}/`, '');
  process.stdout.write(
    readyBanner({
      apps,
      users: registrations.users,
      emulatorUrl: endpoints.emulatorPublicUrl,
      tenantId,
      caFile,
      seconds,
      hasWeb,
      webUrl: `http://localhost:${PORTS.web}/`,
      bffUrl: `http://localhost:${PORTS.bff}`,
      tokenEnv: tokenCommandEnv(endpoints, dataDir, mode),
      mode,
      identity,
    }),
  );
}

/** The variables get-token.mjs needs when this run is not on its defaults (emulator port, data dir). */
function tokenCommandEnv(endpoints, dataDir, mode) {
  const vars = [];
  if (mode !== 'entra') vars.push(`IDENTITY_MODE=${mode}`);
  if (endpoints.registrationsPath !== tenantFileOf(mode))
    vars.push(`REGISTRATIONS=${endpoints.registrationsPath}`);
  if (PORTS['identity-emulator'] !== 8443) vars.push(`EMULATOR_PUBLIC_URL=${endpoints.emulatorPublicUrl}`);
  if (dataDir !== join(root, '.local', 'emulator')) vars.push(`EMULATOR_DATA_DIR=${dataDir}`);
  return vars.length > 0 ? `${vars.join(' ')} ` : '';
}

function watch(app) {
  children.push(app);
  app.exited.then((exit) => {
    if (stopping) return;
    say(`${app.name} exited (${exit.signal ?? `code ${exit.code}`}); stopping the chain`);
    void stopAll(1);
  });
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping every process …');
  const apis = children.filter((c) => !['identity-emulator', 'azurite'].includes(c.name));
  await Promise.all(apis.map((c) => c.stop()));
  await Promise.all(children.filter((c) => !apis.includes(c)).map((c) => c.stop()));
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

main().catch(async (error) => {
  say(`failed: ${error.message}`);
  await stopAll(1);
});
