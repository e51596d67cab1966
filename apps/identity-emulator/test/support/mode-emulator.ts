import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  type ApplicationRegistration,
  type IdentityEndpoints,
  identityEndpoints,
  type IdentityMode,
  loadRegistrationsFor,
  type Registrations,
  type TenantRegistration,
} from '@chain/local-tenant';
import { type IdentityTarget, type SignedIn, signIn, type SignInOptions } from '@chain/testing';

import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator';
import type { MsalAppConfig } from './msal-protocol';

/** An in-process emulator serving one identity mode's registrations file, as `npm start` would. */
export interface ModeEmulator {
  readonly emulator: RunningEmulator;
  readonly registrations: Registrations;
  readonly tenant: TenantRegistration;
  /** What the chain's apps are told about this tenant (authority, issuer, knownAuthorities…). */
  readonly endpoints: IdentityEndpoints;
  readonly ca: string;
  /** A registered application by name (`bff`, `program-service`, …). */
  app(name: string): ApplicationRegistration;
  /** The MSAL configuration an app of the chain gets: its authority, knownAuthorities and secret. */
  msalApp(name: string, overrides?: Partial<MsalAppConfig>): MsalAppConfig;
  /** Signs a user in as the SPA through the emulator's pages (the harness of the chain suites). */
  signIn(user: string, options?: SignInOptions): Promise<SignedIn>;
  stop(): Promise<void>;
}

/** Starts the emulator on a random port with `loadRegistrationsFor(mode)` and the test endpoints on. */
export async function startModeEmulator(
  mode: IdentityMode,
  options: Partial<EmulatorOptions> = {},
): Promise<ModeEmulator> {
  const dataDir = mkdtempSync(join(tmpdir(), `identity-emulator-${mode}-`));
  const registrations = loadRegistrationsFor(mode);
  const tenant = registrations.tenants[0] as TenantRegistration;
  const emulator = await startEmulator({ dataDir, registrations, testEndpoints: true, ...options });
  const endpoints = identityEndpoints(tenant, { publicUrl: emulator.publicUrl });
  const app = (name: string): ApplicationRegistration => {
    const found = registrations.applications.find((a) => a.name === name);
    if (found === undefined) throw new Error(`no application ${name} in the ${mode} registrations`);
    return found;
  };
  const target: IdentityTarget = {
    emulatorUrl: emulator.publicUrl,
    tenantId: tenant.id,
    caPem: emulator.caPem,
    registrations,
  };
  return {
    emulator,
    registrations,
    tenant,
    endpoints,
    ca: emulator.caPem,
    app,
    msalApp: (name, overrides = {}) => ({
      clientId: app(name).clientId,
      clientSecret: app(name).secrets[0]?.value,
      authority: endpoints.authority,
      knownAuthorities: [...endpoints.knownAuthorities],
      ...overrides,
    }),
    signIn: (user, signInOptions) => signIn(target, user, signInOptions),
    stop: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
