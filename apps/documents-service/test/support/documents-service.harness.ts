import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadRegistrations, localAppEnv, type LocalEndpoints } from '@chain/local-tenant';
import { configureApp, HttpProbe, type ProbeResult } from '@chain/platform';
import {
  baseChildEnv,
  formPost,
  harnessRequest,
  type IdentityTarget,
  launchAzurite,
  launchChildApp,
  repoRoot,
  signIn,
  TestIssuer,
} from '@chain/testing';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { type RunningEmulator, startEmulator } from '../../../identity-emulator/src/emulator';
import { AppModule, DOCUMENTS_SERVICE_NAME } from '../../src/app.module';
import { parseDocumentsServiceEnv } from '../../src/config/documents-service.config';

const registrations = loadRegistrations();
const appNamed = (name: string) => registrations.applications.find((a) => a.name === name)!;

/** Identities of the local tenant, read from the registrations file (never duplicated by hand). */
export const tenantId = registrations.tenants[0]!.id;
export const documentsClientId = appNamed('documents-service').clientId;
export const bffClientId = appNamed('bff').clientId;
const bffSecret = appNamed('bff').secrets[0]!.value;

/** The size limit the e2e suites configure, small so that the 413 test sends little. */
export const TEST_MAX_BYTES = 256 * 1024;

/** Azurite's blob service in memory, as a child process (docs/running.md: 3.35.0, the last release for Node 20). */
export async function startAzurite(): Promise<{ blobEndpoint: string; stop(): Promise<void> }> {
  const { app, blobEndpoint } = await launchAzurite({ root: repoRoot(), env: baseChildEnv(), port: 0 });
  return { blobEndpoint, stop: () => app.stop() };
}

/**
 * The real chain behind documents-service: the identity emulator (HTTPS, its own CA) in this process,
 * program-service (its real main.ts, PGlite, demo seed) and Azurite as child processes, and
 * documents-service itself in this process (supertest). Nothing is mocked: tokens come from signing in at the
 * emulator, the second hop is real MSAL on-behalf-of, storage is real blob storage.
 */
export interface DocumentsChain {
  readonly app: INestApplication;
  readonly emulator: RunningEmulator;
  readonly programServiceUrl: string;
  /** A documents-service token for `user`: sign-in as the SPA, then on-behalf-of as the BFF would. */
  documentsToken(user: string): Promise<string>;
  /** A program-service token for `user` (to find the programmes they can see). */
  programToken(user: string): Promise<string>;
  /** The BFF's own token for `user` (audience api://bff), which documents-service must refuse. */
  bffToken(user: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDocumentsChain(extraEnv: Record<string, string> = {}): Promise<DocumentsChain> {
  const dataDir = mkdtempSync(join(tmpdir(), 'documents-e2e-emulator-'));
  const stack: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stack.splice(0).reverse()) await stop();
  };
  try {
    const emulator = await startEmulator({ dataDir, registrations });
    stack.push(() => emulator.close());
    const azurite = await startAzurite();
    stack.push(() => azurite.stop());
    const endpoints = (programServiceUrl: string): LocalEndpoints => ({
      emulatorPublicUrl: emulator.publicUrl,
      services: {
        'program-service': programServiceUrl,
        'pricing-service': 'http://127.0.0.1:9',
        'documents-service': 'http://127.0.0.1:0',
        bff: 'http://127.0.0.1:9',
      },
      blobEndpoint: azurite.blobEndpoint,
      logLevel: 'silent',
    });
    const program = await startProgramService(
      localAppEnv('program-service', endpoints('http://127.0.0.1:0'), registrations),
      emulator.caFile,
    );
    stack.push(() => program.close());
    const env = parseDocumentsServiceEnv({
      ...localAppEnv('documents-service', endpoints(program.url), registrations),
      DOCUMENTS_MAX_BYTES: String(TEST_MAX_BYTES),
      ...extraEnv,
    });
    const app = await createApp(AppModule.forRoot(env, { trustedCaPem: emulator.caPem }), emulator.caPem);
    stack.push(() => app.close());
    const target: IdentityTarget = {
      emulatorUrl: emulator.publicUrl,
      tenantId,
      caPem: emulator.caPem,
      registrations,
    };
    return {
      app,
      emulator,
      programServiceUrl: program.url,
      documentsToken: async (user) =>
        onBehalfOf(target, await bffAccessToken(target, user), 'api://documents-service/Documents.ReadWrite'),
      programToken: async (user) =>
        onBehalfOf(target, await bffAccessToken(target, user), 'api://program-service/Program.ReadWrite'),
      bffToken: (user) => bffAccessToken(target, user),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** documents-service behind a test issuer's keys, for checks that need exact control of the claims. */
export interface DocumentsServiceUnderTest {
  readonly app: INestApplication;
  userToken(claims?: Record<string, unknown>): string;
  appToken(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startDocumentsService(blobEndpoint: string): Promise<DocumentsServiceUnderTest> {
  const issuer = await TestIssuer.start();
  const env = parseDocumentsServiceEnv({
    ...localAppEnv(
      'documents-service',
      {
        emulatorPublicUrl: 'https://login.test',
        services: {
          'program-service': 'http://127.0.0.1:9',
          'pricing-service': 'http://127.0.0.1:9',
          'documents-service': 'http://127.0.0.1:0',
          bff: 'http://127.0.0.1:9',
        },
        blobEndpoint,
        logLevel: 'silent',
      },
      registrations,
    ),
    AUTH_ISSUERS: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
  });
  const app = await createApp(AppModule.forRoot(env));
  const sign = (claims: Record<string, unknown>) => issuer.sign({ aud: documentsClientId, ...claims });
  return {
    app,
    userToken: (claims = {}) =>
      sign({ oid: 'user-oid', sub: 'user-sub', azp: bffClientId, scp: 'Documents.ReadWrite', ...claims }),
    appToken: (claims = {}) =>
      sign({
        oid: 'sp-bff',
        sub: 'sp-bff',
        azp: bffClientId,
        idtyp: 'app',
        roles: ['Documents.ReadWrite'],
        ...claims,
      }),
    close: async () => {
      await app.close();
      await issuer.stop();
    },
  };
}

/**
 * The JWKS readiness probe with the emulator's CA trusted explicitly: the platform's probe uses `fetch`,
 * which trusts a private CA only through NODE_EXTRA_CA_CERTS, read when a process starts. TLS checks stay on.
 */
class TrustingHttpProbe extends HttpProbe {
  constructor(private readonly caPem: string) {
    super();
  }

  override async getJson(url: string, timeoutMs: number): Promise<ProbeResult> {
    try {
      const res = await harnessRequest(url, {
        ca: this.caPem,
        timeoutMs,
        headers: { accept: 'application/json' },
      });
      return { ok: true, status: res.status, body: res.json<unknown>() };
    } catch {
      return { ok: false, reason: 'unreachable' };
    }
  }
}

async function createApp(
  module: ReturnType<typeof AppModule.forRoot>,
  caPem?: string,
): Promise<INestApplication> {
  const builder = Test.createTestingModule({ imports: [module] });
  if (caPem !== undefined) builder.overrideProvider(HttpProbe).useValue(new TrustingHttpProbe(caPem));
  const app = (await builder.compile()).createNestApplication();
  configureApp(app, { name: DOCUMENTS_SERVICE_NAME });
  await app.init();
  return app;
}

/**
 * program-service from its source (real main.ts, PGlite, demo seed) as its own process, trusting the
 * emulator's CA through NODE_EXTRA_CA_CERTS exactly as `npm start` runs it. (In this process it would share
 * passport's global strategy registry with documents-service, and the last app booted would validate the
 * other's tokens.)
 */
async function startProgramService(
  localEnv: Record<string, string>,
  caFile: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const root = repoRoot();
  const { app, url } = await launchChildApp({
    name: 'program-service',
    command: process.execPath,
    args: ['-r', join(__dirname, 'ts-source.register.js'), join(root, 'apps/program-service/src/main.ts')],
    cwd: root,
    env: {
      ...baseChildEnv(),
      ...localEnv,
      PROGRAM_SEED: 'demo',
      LOG_LEVEL: 'info',
      NODE_EXTRA_CA_CERTS: caFile,
    },
    startTimeoutMs: 120_000,
  });
  return { url, close: () => app.stop() };
}

/** Signs `user` in at the emulator as the SPA does (auth code + PKCE) and returns the BFF access token. */
async function bffAccessToken(target: IdentityTarget, user: string): Promise<string> {
  return (await signIn(target, user)).accessToken;
}

/** The BFF's on-behalf-of exchange (docs/entra-protocol.md#on-behalf-of) at the emulator's token endpoint. */
async function onBehalfOf(target: IdentityTarget, assertion: string, scope: string): Promise<string> {
  const { body, headers } = formPost({
    client_id: bffClientId,
    client_secret: bffSecret,
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    assertion,
    scope,
  });
  const res = await harnessRequest(`${target.emulatorUrl}/${target.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: target.caPem,
    body,
    headers,
  });
  const token = res.json<Record<string, unknown>>()['access_token'];
  if (res.status !== 200 || typeof token !== 'string')
    throw new Error(`on-behalf-of for ${scope} failed: HTTP ${res.status}`);
  return token;
}
