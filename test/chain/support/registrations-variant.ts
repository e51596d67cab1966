import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ApplicationRegistration, loadRegistrations, type Registrations } from '@chain/local-tenant';
import { freePort } from '@chain/testing';
import { stringify } from 'yaml';

/**
 * Writes `source` (a registrations file) with `change` applied to a temporary file, for the EMULATOR of a
 * chain (`emulatorRegistrationsPath`): the apps keep the configuration derived from the real file, and a test
 * overrides what it is about through `startChain`'s `env`. Returns the file's path.
 */
export function writeRegistrationsVariant(source: string, change: (reg: Registrations) => void): string {
  const reg = loadRegistrations(source);
  change(reg);
  const file = join(mkdtempSync(join(tmpdir(), 'chain-tenant-')), 'registrations.yaml');
  writeFileSync(file, stringify(reg));
  return file;
}

/** The registration of app `name`. */
export function registration(reg: Registrations, name: string): ApplicationRegistration {
  const app = reg.applications.find((a) => a.name === name);
  if (app === undefined) throw new Error(`no application ${name} in the registrations`);
  return app;
}

/**
 * A port for the emulator chosen before the chain starts, so that a test can write issuers into the APIs'
 * environment (`AUTH_ISSUERS`), which `startChain` takes before the emulator announces its URL. Returns the
 * `env` entry for the emulator and its public URL.
 */
export async function emulatorOnFixedPort(): Promise<{
  env: { readonly PORT: string };
  publicUrl: string;
}> {
  const port = await freePort();
  return { env: { PORT: String(port) }, publicUrl: `https://localhost:${port}` };
}
