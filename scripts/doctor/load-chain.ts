import { resolve } from 'node:path';

import {
  defaultLocalEndpoints,
  loadRegistrationsFor,
  localAppEnv,
  parseIdentityMode,
  registrationsFileOf,
} from '@chain/local-tenant';

import { APIS, type AppUnderTest, type ChainUnderTest } from './chain-under-test';
import { readEnvFile } from './env-file';

/** Where doctor takes the chain's configuration from (CLI flags; docs/doctor.md). */
export interface DoctorOptions {
  /** The repository root (defaults resolve under it). */
  readonly root: string;
  /** `--identity` / `IDENTITY_MODE`: entra, external-id or b2c. Default entra. */
  readonly identityMode?: string;
  /** `--registrations` / `REGISTRATIONS`: the tenant's registrations file. Default: the mode's file. */
  readonly registrationsPath?: string;
  /** `--emulator`: the local emulator's public URL. Default `https://localhost:8443`. */
  readonly emulatorUrl?: string;
  /** `--ca`: the CA the locally derived apps trust (NODE_EXTRA_CA_CERTS). Default `.local/emulator/ca.pem`. */
  readonly caFile?: string;
  /** `--env-file <app>=<file>`: an app's environment as deployed, instead of the one derived locally. */
  readonly envFiles?: Readonly<Partial<Record<string, string>>>;
}

/** What {@link loadChain} made of the options. */
export interface LoadedChain {
  readonly chain: ChainUnderTest;
  /** The local emulator's CA file, when the chain is (partly) derived locally. */
  readonly localCaFile?: string;
}

/**
 * The chain under test. Locally (no `--env-file`), every API's environment is derived from the
 * registrations exactly as `npm start` derives it, trusting the emulator's CA as `npm start` makes it
 * trust it. With `--env-file` an app runs with that file instead; with env files and no `--registrations`
 * the tenant is a real one whose registrations doctor cannot read (those checks say so).
 */
export function loadChain(options: DoctorOptions): LoadedChain {
  const envFiles = options.envFiles ?? {};
  for (const app of Object.keys(envFiles))
    if (!APIS.includes(app))
      throw new Error(`--env-file ${app}=…: unknown app; use one of ${APIS.join(', ')}`);
  const local = Object.keys(envFiles).length === 0 || options.registrationsPath !== undefined;
  const mode = parseIdentityMode(options.identityMode, '--identity');
  const registrationsPath = resolve(
    options.registrationsPath ?? registrationsFileOf(mode, resolve(options.root, 'libs', 'local-tenant')),
  );
  const registrations = local ? loadRegistrationsFor(mode, registrationsPath) : undefined;
  const caFile = resolve(
    options.root,
    options.caFile ?? resolve(options.root, '.local', 'emulator', 'ca.pem'),
  );
  const defaults = defaultLocalEndpoints();
  const endpoints = {
    ...defaults,
    emulatorPublicUrl: (options.emulatorUrl ?? defaults.emulatorPublicUrl).replace(/\/+$/, ''),
  };
  const apps: AppUnderTest[] = [];
  for (const name of APIS) {
    const file = envFiles[name];
    if (file !== undefined) apps.push({ name, env: readEnvFile(file), source: resolve(file) });
    else if (registrations !== undefined)
      apps.push(
        derived(
          name,
          () => ({ ...localAppEnv(name, endpoints, registrations), NODE_EXTRA_CA_CERTS: caFile }),
          registrationsPath,
        ),
      );
  }
  return {
    chain: {
      ...(local || options.identityMode !== undefined ? { mode } : {}),
      ...(registrations === undefined ? {} : { registrations, registrationsPath }),
      apps,
    },
    ...(apps.some((a) => a.source.startsWith('derived')) ? { localCaFile: caFile } : {}),
  };
}

/** An app's environment as `npm start` derives it; a derivation that throws is a fault of the registrations. */
function derived(
  name: string,
  derive: () => Record<string, string>,
  registrationsPath: string,
): AppUnderTest {
  const source = `derived from ${registrationsPath}`;
  try {
    return { name, env: derive(), source };
  } catch (error) {
    return { name, env: {}, source, error: error instanceof Error ? error.message : String(error) };
  }
}
