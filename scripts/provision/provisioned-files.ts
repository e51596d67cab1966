import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  defaultLocalEndpoints,
  loadChainManifest,
  loadRegistrations,
  localAppEnv,
  type Registrations,
} from '@chain/local-tenant';
import { stringify } from 'yaml';

import { formatEnv } from '../doctor/env-file';
import type { ProvisionResult } from './provision-tenant';

/** The registrations file of the provisioned tenant inside `--out`. */
export const PROVISIONED_FILE = 'registrations.yaml';

/**
 * The file's registrations as the tenant now holds them: the tenant's id, each app's assigned appId and
 * service principal, and the secrets Graph generated (in place of the file's). Everything else (names,
 * scopes, roles, users) is the file's, so every tool that reads a registrations file (`localAppEnv`,
 * doctor, the test harness) configures the apps for this tenant.
 */
export function provisionedRegistrations(source: Registrations, result: ProvisionResult): Registrations {
  const [tenant, ...others] = source.tenants;
  if (tenant === undefined) throw new Error('registrations: no tenant');
  return {
    ...source,
    tenants: [{ ...tenant, id: result.tenantId }, ...others],
    applications: source.applications.map((app) => {
      const ids = result.apps[app.name];
      if (ids === undefined) throw new Error(`provision: no result for ${app.name}`);
      return {
        ...app,
        clientId: ids.appId,
        servicePrincipalId: ids.servicePrincipalId,
        secrets: result.secrets[app.name] ?? [],
      };
    }),
  };
}

/** The previous run's output, if it is for this tenant (its secrets are reused while the tenant keeps them). */
export function previousRun(outDir: string, tenantId: string): Registrations | undefined {
  const file = join(outDir, PROVISIONED_FILE);
  if (!existsSync(file)) return undefined;
  const previous = loadRegistrations(file);
  return previous.tenants[0]?.id.toLowerCase() === tenantId.toLowerCase() ? previous : undefined;
}

/**
 * Writes `<out>/registrations.yaml` and `<out>/<api>.env` for the four APIs (derived by `localAppEnv` for
 * an identity provider at `authorityHost` and the APIs on their local ports). Both hold client secrets:
 * owner-only permissions, and `.local/` is ignored by git.
 */
export function writeProvisionedFiles(
  outDir: string,
  registrations: Registrations,
  authorityHost: string,
): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string): void => {
    const file = join(outDir, name);
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
    written.push(file);
  };
  write(
    PROVISIONED_FILE,
    `# Written by \`npm run provision\` for tenant ${registrations.tenants[0]?.id}: the tenant's ids and secrets.\n# Holds client secrets: keep it out of version control (docs/provisioning.md).\n${stringify(registrations)}`,
  );
  const endpoints = { ...defaultLocalEndpoints(), emulatorPublicUrl: new URL(authorityHost).origin };
  for (const app of loadChainManifest().apis.map((api) => api.app)) {
    if (!registrations.applications.some((a) => a.name === app)) continue;
    write(`${app}.env`, formatEnv(localAppEnv(app, endpoints, registrations)));
  }
  return written;
}
