import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { loadRegistrations, localAppEnv, type LocalEndpoints, type Registrations } from '@chain/local-tenant';
import { configureApp } from '@chain/platform';
import {
  EmulatorAdmin,
  harnessRequest,
  type IdentityTarget,
  type SignedIn,
  signIn,
  type SignInOptions,
} from '@chain/testing';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { type RunningEmulator, startEmulator } from '../../../identity-emulator/src/emulator';
import { AppModule, BFF_NAME } from '../../src/app.module';
import { parseBffEnv } from '../../src/config/bff.config';

/**
 * A port nothing listens on: the real documents-service is not part of these tests (test/chain covers it);
 * a test may point `DOWNSTREAM_APIS__DOCUMENTS__BASE_URL` at a stand-in through `bffEnv`.
 */
const NO_DOCUMENTS_SERVICE = 'http://127.0.0.1:9';

/**
 * The BFF with real parts around it, all in this process on loopback and random ports: the identity
 * emulator (HTTPS, its own CA), program-service (PGlite, demo seed) and pricing-service, each booted
 * from its real AppModule with the environment `localAppEnv()` derives from the tenant file. Tokens
 * come from the emulator's login form (auth code + PKCE, as the SPA) and from real msal-node in the BFF.
 */
export interface BffChain extends IdentityTarget {
  readonly emulator: RunningEmulator;
  readonly admin: EmulatorAdmin;
  readonly bff: INestApplication;
  readonly bffUrl: string;
  readonly programUrl: string;
  readonly pricingUrl: string;
  /** Everything the BFF logged so far (JSON lines). */
  bffLogs(): string;
  clientId(app: string): string;
  signIn(user: string, options?: SignInOptions): Promise<SignedIn>;
  close(): Promise<void>;
}

export async function startBffChain(bffEnv: Record<string, string> = {}): Promise<BffChain> {
  const registrations = loadRegistrations();
  const tenantId = registrations.tenants[0]!.id;
  const dataDir = mkdtempSync(join(tmpdir(), 'bff-e2e-emulator-'));
  const emulator = await startEmulator({ dataDir, registrations, testEndpoints: true });
  const jwks = await startJwksRelay(`${emulator.publicUrl}/${tenantId}/discovery/v2.0/keys`, emulator.caPem);
  const apps: INestApplication[] = [];
  const endpoints = (services: Partial<LocalEndpoints['services']>): LocalEndpoints => ({
    emulatorPublicUrl: emulator.publicUrl,
    services: {
      bff: 'http://127.0.0.1:0',
      'program-service': 'http://127.0.0.1:0',
      'pricing-service': 'http://127.0.0.1:0',
      'documents-service': NO_DOCUMENTS_SERVICE,
      ...services,
    },
    logLevel: 'silent',
  });
  const inProcess = { AUTH_JWKS_URI: jwks.url, PORT: '0' };
  try {
    const program = await startIsolated(
      'program-service',
      { ...localAppEnv('program-service', endpoints({}), registrations), ...inProcess },
      apps,
    );
    const pricing = await startIsolated(
      'pricing-service',
      { ...localAppEnv('pricing-service', endpoints({}), registrations), ...inProcess },
      apps,
    );
    const env = parseBffEnv({
      ...localAppEnv(
        'bff',
        endpoints({ 'program-service': program.url, 'pricing-service': pricing.url }),
        registrations,
      ),
      ...inProcess,
      LOG_LEVEL: 'info',
      ...bffEnv,
    });
    const logs = new PassThrough();
    const lines: Buffer[] = [];
    logs.on('data', (chunk: Buffer) => lines.push(chunk));
    const bff = await listen(
      AppModule.forRoot(env, { tokenServiceCaPem: emulator.caPem, logDestination: logs }),
      BFF_NAME,
      apps,
    );
    const target: IdentityTarget = {
      emulatorUrl: emulator.publicUrl,
      tenantId,
      caPem: emulator.caPem,
      registrations,
    };
    return {
      ...target,
      emulator,
      admin: new EmulatorAdmin(emulator.publicUrl, emulator.caPem),
      bff: bff.app,
      bffUrl: bff.url,
      programUrl: program.url,
      pricingUrl: pricing.url,
      bffLogs: () => Buffer.concat(lines).toString('utf8'),
      clientId: (app) => clientIdOf(registrations, app),
      signIn: (user, options) => signIn(target, user, options),
      close: () => closeAll(apps, jwks, emulator, dataDir),
    };
  } catch (error) {
    await closeAll(apps, jwks, emulator, dataDir);
    throw error;
  }
}

type DownstreamApp = 'program-service' | 'pricing-service';

/**
 * Boots a downstream from its own AppModule and env parser in a separate module registry
 * (`jest.isolateModules`), as if it were its own process: libs it shares with the BFF (passport's strategy
 * registry above all, where every app registers `entra-jwt`) get their own instances, so each app keeps
 * its own audiences and issuers.
 */
async function startIsolated(
  app: DownstreamApp,
  rawEnv: Record<string, string>,
  apps: INestApplication[],
): Promise<{ app: INestApplication; url: string }> {
  let boot: (() => Promise<{ app: INestApplication; url: string }>) | undefined;
  jest.isolateModules(() => {
    const testing = jest.requireActual<typeof import('@nestjs/testing')>('@nestjs/testing');
    const platform = jest.requireActual<typeof import('@chain/platform')>('@chain/platform');
    const module = app === 'program-service' ? programModule(rawEnv) : pricingModule(rawEnv);
    boot = () => listenWith(testing.Test, platform.configureApp, module, app, apps);
  });
  if (boot === undefined) throw new Error(`could not load ${app}`);
  return boot();
}

function programModule(env: Record<string, string>): DynamicModule {
  const { AppModule: Program } = jest.requireActual<typeof import('../../../program-service/src/app.module')>(
    '../../../program-service/src/app.module',
  );
  const config = jest.requireActual<
    typeof import('../../../program-service/src/config/program-service.config')
  >('../../../program-service/src/config/program-service.config');
  return Program.forRoot(config.parseProgramServiceEnv(env));
}

function pricingModule(env: Record<string, string>): DynamicModule {
  const { AppModule: Pricing } = jest.requireActual<typeof import('../../../pricing-service/src/app.module')>(
    '../../../pricing-service/src/app.module',
  );
  const config = jest.requireActual<
    typeof import('../../../pricing-service/src/config/pricing-service.config')
  >('../../../pricing-service/src/config/pricing-service.config');
  return Pricing.forRoot(config.parsePricingServiceEnv(env));
}

async function listen(
  module: DynamicModule,
  name: string,
  apps: INestApplication[],
): Promise<{ app: INestApplication; url: string }> {
  return listenWith(Test, configureApp, module, name, apps);
}

async function listenWith(
  test: typeof Test,
  configure: typeof configureApp,
  module: DynamicModule,
  name: string,
  apps: INestApplication[],
): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication();
  configure(app, { name });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

async function closeAll(
  apps: readonly INestApplication[],
  jwks: { close(): Promise<void> },
  emulator: RunningEmulator,
  dataDir: string,
): Promise<void> {
  for (const app of [...apps].reverse()) await app.close();
  await jwks.close();
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function clientIdOf(registrations: Registrations, app: string): string {
  const found = registrations.applications.find((a) => a.name === app);
  if (found === undefined) throw new Error(`no application ${app} in the registrations`);
  return found.clientId;
}

/**
 * The emulator's JWKS re-served on loopback HTTP. In-process apps cannot be given NODE_EXTRA_CA_CERTS
 * after this process started, and program-service and pricing-service (rightly) offer no CA option; the
 * relay fetches the keys over TLS verified against the emulator's CA, so nothing trusts blindly.
 * (Deployments point AUTH_JWKS_URI at the issuer's own JWKS; containers already use an internal host.)
 */
async function startJwksRelay(
  jwksUri: string,
  caPem: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    harnessRequest(jwksUri, { ca: caPem }).then(
      (upstream) => res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(upstream.body),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/keys`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
