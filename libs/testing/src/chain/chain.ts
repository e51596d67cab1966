import {
  applicationFor,
  type IdentityEndpoints,
  type IdentityMode,
  type LocalApp,
  type Registrations,
} from '@chain/local-tenant';

import { EmulatorAdmin } from '../emulator/emulator-admin';
import type { ChildApp } from '../processes/child-app';
import type { IdentityTarget } from '../sign-in/sign-in';

/** Options of `startChain()`. */
export interface StartChainOptions {
  /**
   * The identity mode (tenant kind) of the chain. Default: `IDENTITY_MODE` from the environment, else
   * `entra`. Selects the mode's registrations file unless `registrationsPath` is given.
   */
  readonly identityMode?: IdentityMode;
  /** The tenant file the whole chain is configured from. Default: the mode's file in libs/local-tenant. */
  readonly registrationsPath?: string;
  /**
   * The APIs to start (apps of chain.yaml), besides the emulator (and Azurite when one of them needs it).
   * Default: every API of the manifest.
   */
  readonly apps?: readonly string[];
  /** The chain manifest. Default: chain.yaml at the repository root. */
  readonly manifestPath?: string;
  /** Extra or replaced variables per app, applied over `localAppEnv()`. */
  readonly env?: Readonly<Partial<Record<LocalApp, Readonly<Record<string, string>>>>>;
  /** `EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS` (default: the emulator's, 3599 ± like Entra). */
  readonly tokenLifetimeSeconds?: number;
  /** Redis for the BFF's shared token cache. Default: none. */
  readonly redisUrl?: string;
  /** PostgreSQL for program-service. Default: none (PGlite in memory). */
  readonly databaseUrl?: string;
  /**
   * Registrations file for the EMULATOR only; the apps keep the configuration derived from the tenant
   * file. Lets a test give the tenant a client or scope the apps were not configured for.
   */
  readonly emulatorRegistrationsPath?: string;
  /**
   * Runs once the emulator listens and before any API starts (e.g. `npm run provision` against an emulator
   * started with `emulatorRegistrationsPath` naming an empty tenant). A path it returns becomes the tenant
   * file the APIs and the harness are configured from.
   */
  readonly beforeApis?: (emulator: ChainEmulator) => Promise<string | undefined>;
  /** Names the log folder `test-artifacts/logs/<label>-<time>/`. Default `chain`. */
  readonly label?: string;
  /** `LOG_LEVEL` of every app. Default `info`. */
  readonly logLevel?: string;
}

/** The chain's emulator as {@link StartChainOptions.beforeApis} sees it. */
export interface ChainEmulator {
  /** `https://localhost:<port>`: the issuer host and MSAL authority host. */
  readonly publicUrl: string;
  /** Its CA certificate file (NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
}

/** What `startChain()` hands a {@link Chain}. */
export interface ChainParts {
  readonly identityMode: IdentityMode;
  /** Authority, issuer, keys and step-up of the tenant as the harness (a client on loopback) reaches them. */
  readonly identity: IdentityEndpoints;
  readonly registrationsPath: string;
  /** The emulator's public URL (issuer host), `https://localhost:<port>`. */
  readonly emulatorUrl: string;
  readonly tenantId: string;
  readonly caPem: string;
  /** `<emulator data dir>/ca.pem`: what the children get in NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly registrations: Registrations;
  readonly serviceUrls: Readonly<Partial<Record<string, string>>>;
  /** Folder with one `<process>.log` per child (stdout + stderr). */
  readonly logDir: string;
  /** Every process started, the ones added later (replicas) included. */
  readonly processes: readonly ChildApp[];
  readonly cleanup: () => Promise<void>;
  readonly replicate: (app: string) => Promise<string>;
}

/** A running chain: every app its own process, on loopback and random ports. */
export class Chain implements IdentityTarget {
  /** The emulator's public URL (issuer host), `https://localhost:<port>`. */
  readonly emulatorUrl: string;
  readonly tenantId: string;
  /** The identity mode the chain runs in (`entra`, `external-id`, `b2c`). */
  readonly identityMode: IdentityMode;
  /** Authority, issuer, keys and step-up of the tenant as the harness reaches them. */
  readonly identity: IdentityEndpoints;
  /** The tenant file the chain was configured from. */
  readonly registrationsPath: string;
  /** PEM of the emulator's CA (trusted explicitly by the harness's own requests). */
  readonly caPem: string;
  /** `<emulator data dir>/ca.pem`: what the children get in NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** The tenant file the APIs were configured from. */
  readonly registrations: Registrations;
  /** Folder with one `<process>.log` per child (stdout + stderr). */
  readonly logDir: string;
  /** Test-only admin API of the emulator. */
  readonly admin: EmulatorAdmin;
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: ChainParts) {
    this.emulatorUrl = parts.emulatorUrl;
    this.tenantId = parts.tenantId;
    this.identityMode = parts.identityMode;
    this.identity = parts.identity;
    this.registrationsPath = parts.registrationsPath;
    this.caPem = parts.caPem;
    this.caFile = parts.caFile;
    this.registrations = parts.registrations;
    this.logDir = parts.logDir;
    this.admin = new EmulatorAdmin(parts.emulatorUrl, parts.caPem);
  }

  /** Base URL of a started API, e.g. `http://127.0.0.1:40123`. */
  url(app: string): string {
    const url = this.parts.serviceUrls[app];
    if (url === undefined) throw new Error(`${app} was not started in this chain`);
    return url;
  }

  /** The registered client id of an app, by the part it plays or its name (`bff` → its GUID). */
  clientId(app: string): string {
    return applicationFor(this.registrations, app).clientId;
  }

  /**
   * Starts one more process of a running API with the same environment on another random port (e.g. a
   * second BFF replica sharing the Redis token cache) and resolves with its URL once it is ready. Its log
   * is `<app>-<n>.log`; `stop()` stops it with the rest.
   */
  startReplica(app: string): Promise<string> {
    return this.parts.replicate(app);
  }

  /** Names of the processes that have exited (a healthy chain has none until `stop()`). */
  exitedProcesses(): string[] {
    return this.parts.processes.filter((p) => p.hasExited).map((p) => p.name);
  }

  /** Stops every process (APIs first, then Azurite and the emulator) and removes the emulator's temp data. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const [infrastructure, apis] = partition(
      this.parts.processes,
      (p) => p.name === 'identity-emulator' || p.name === 'azurite',
    );
    await Promise.all(apis.map((p) => p.stop()));
    await Promise.all(infrastructure.map((p) => p.stop()));
    await this.parts.cleanup();
  }
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}
