import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

import { identityEndpoints, loadRegistrations, type Registrations } from '@chain/local-tenant';

import { FaultInjector } from './admin/fault-injector';
import { TokenRequestCounter } from './admin/token-request-counter';
import { LoginTransactions } from './authorize/login-transactions';
import { DeviceCodes } from './device/device-codes';
import type { EmulatorContext } from './emulator-context';
import { type CodeRecord, ExpiringStore, type RefreshRecord } from './grants/grant-stores';
import { GraphDirectory } from './graph/graph-directory';
import { SigningKeyStore } from './keys/signing-key-store';
import { FederatedIssuers } from './oauth/federated-credential';
import { createRequestHandler } from './request-router';
import { Directory } from './tenant/directory';
import { ensureTlsMaterial } from './tls/local-ca';
import { TokenFactory } from './tokens/token-factory';

export interface EmulatorOptions {
  /** Folder for the CA, server certificate and signing keys (created if missing). */
  readonly dataDir: string;
  /** Parsed registrations or a path to the YAML file; default: the project's registrations.yaml. */
  readonly registrations?: Registrations | string;
  /** Port to listen on; 0 (default) picks a free port. */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Origin of the issuer in tokens; default `https://localhost:<port>`. */
  readonly publicUrl?: string;
  /** Extra host names for the server certificate and for endpoint URLs in discovery. */
  readonly hostnames?: readonly string[];
  /** Enables `/_admin/*` and the `fault-inject` header for loopback peers. Default false. */
  readonly testEndpoints?: boolean;
  /** Access-token lifetime in seconds; default 3599 (MSAL caches only tokens living > 300 s). */
  readonly accessTokenLifetimeSeconds?: number;
  /** Clock in milliseconds (tests freeze it); default Date.now. */
  readonly now?: () => number;
}

export interface RunningEmulator {
  /** The URL it listens on, e.g. `https://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  /** Origin used in issuers and as the MSAL authority host, e.g. `https://localhost:54321`. */
  readonly publicUrl: string;
  /** The CA certificate file for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly caPem: string;
  issuerFor(tid: string): string;
  close(): Promise<void>;
}

/** Starts the emulator: TLS material and signing keys from `dataDir`, registrations validated, HTTPS listening. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const dataDir = resolve(options.dataDir);
  const registrations =
    typeof options.registrations === 'object'
      ? options.registrations
      : loadRegistrations(options.registrations);
  const directory = new Directory(registrations);
  const extraHostnames = options.hostnames ?? [];
  const publicHost = options.publicUrl === undefined ? [] : [new URL(options.publicUrl).hostname];
  const tls = await ensureTlsMaterial(dataDir, [...extraHostnames, ...publicHost]);
  const keys = await SigningKeyStore.open(dataDir);
  const server = createServer({ cert: tls.certPem, key: tls.keyPem });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = (options.publicUrl ?? `https://localhost:${port}`).replace(/\/$/, '');
  const ctx = buildContext({
    options,
    directory,
    keys,
    publicUrl,
    caPem: tls.caPem,
    hostnames: [...extraHostnames, ...publicHost],
  });
  server.on('request', createRequestHandler(ctx));
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    publicUrl,
    caFile: tls.caFile,
    caPem: tls.caPem,
    issuerFor: ctx.issuerFor,
    close: () => closeAll(server, ctx),
  };
}

function buildContext(input: {
  options: EmulatorOptions;
  directory: Directory;
  keys: SigningKeyStore;
  publicUrl: string;
  caPem: string;
  hostnames: readonly string[];
}): EmulatorContext {
  const nowMs = input.options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(nowMs() / 1000);
  const issuerFor = issuersOf(input.directory, input.publicUrl);
  return {
    directory: input.directory,
    graph: new GraphDirectory(input.directory, nowMs),
    keys: input.keys,
    tokens: new TokenFactory({
      keys: input.keys,
      issuerFor,
      accessTokenLifetimeSeconds: input.options.accessTokenLifetimeSeconds ?? 3599,
      nowSeconds,
    }),
    codes: new ExpiringStore<CodeRecord>(nowMs),
    refreshTokens: new ExpiringStore<RefreshRecord>(nowMs),
    logins: new LoginTransactions(nowMs),
    deviceCodes: new DeviceCodes(nowMs),
    faults: new FaultInjector(),
    counter: new TokenRequestCounter(),
    federation: new FederatedIssuers(nowMs),
    publicUrl: input.publicUrl,
    caPem: input.caPem,
    testEndpoints: input.options.testEndpoints ?? false,
    issuerFor,
    nowMs,
    nowSeconds,
    hostnames: new Set([
      'localhost',
      '127.0.0.1',
      '::1',
      new URL(input.publicUrl).hostname,
      ...input.hostnames,
    ]),
  };
}

/**
 * The issuer of each tenant, as `identityEndpoints` (@chain/local-tenant) tells the APIs to expect it:
 * Entra `<public url>/<tid>/v2.0`, External ID `https://<tid>.ciamlogin.com/<tid>/v2.0`, B2C
 * `<public url>/<tid>/v2.0/` (trailing slash).
 */
function issuersOf(directory: Directory, publicUrl: string): (tid: string) => string {
  const issuers = new Map(
    directory
      .tenants()
      .map((t) => [t.id, identityEndpoints({ ...t.reg, id: t.id }, { publicUrl }).issuer] as const),
  );
  return (tid) => issuers.get(tid.toLowerCase()) ?? `${publicUrl}/${tid}/v2.0`;
}

async function closeAll(server: Server, ctx: EmulatorContext): Promise<void> {
  ctx.codes.close();
  ctx.refreshTokens.close();
  ctx.logins.close();
  ctx.deviceCodes.close();
  await new Promise<void>((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}
