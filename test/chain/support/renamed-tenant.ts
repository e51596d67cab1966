import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadRegistrations, type Registrations, roleOf } from '@chain/local-tenant';
import { stringify } from 'yaml';

/** The other tenant's name for each part of the chain: nothing is called after its part any more. */
export const RENAMED: Readonly<Record<string, string>> = {
  web: 'broker-portal',
  bff: 'portal-gateway',
  'program-service': 'policy-api',
  'pricing-service': 'rating-api',
  'documents-service': 'files-api',
};

/** The other tenant's users: `alice` → `ana`, … (same roles and brokerages, new names and object ids). */
export const RENAMED_USERS: Readonly<Record<string, string>> = { alice: 'ana', bob: 'ben', uma: 'ula' };

const TENANT = { name: 'fabrikam-insurance', domain: 'fabrikam-insurance.onmicrosoft.com' };

/**
 * A second tenant file for the same chain, with different names and identities throughout (not a copy of the
 * local one): another tenant id, name and domain; every application renamed and playing its part through
 * `role:`, with new client ids, App ID URIs and secrets; the users renamed with new object ids. Written next
 * to nothing of the repository; returns its path and what it holds.
 */
export function writeRenamedTenant(sourcePath: string): { path: string; registrations: Registrations } {
  const reg = loadRegistrations(sourcePath);
  const home = reg.tenants[0];
  if (home === undefined) throw new Error('the source file has no tenant');
  const oldHome = home.name;
  Object.assign(home, { id: randomUUID(), ...TENANT });
  const names = new Map<string, string>();
  for (const app of reg.applications) {
    const role = roleOf(app);
    const renamed = (role === undefined ? undefined : RENAMED[role]) ?? `${app.name}-app`;
    names.set(app.name, renamed);
    Object.assign(app, {
      name: renamed,
      ...(role === undefined ? {} : { role }),
      displayName: `Fabrikam ${renamed}`,
      clientId: randomUUID(),
      servicePrincipalId: undefined,
      identifierUris: app.identifierUris.map(
        (_, i) => `api://fabrikam-insurance/${renamed}${i === 0 ? '' : `-${i}`}`,
      ),
      secrets: app.secrets.map((s) => ({ ...s, value: randomBytes(24).toString('base64url') })),
    });
    if (app.tenant === oldHome) app.tenant = TENANT.name;
  }
  for (const app of reg.applications)
    for (const access of app.requiredResourceAccess)
      access.resource = names.get(access.resource) ?? access.resource;
  for (const user of reg.users) {
    const [local = '', domain = ''] = user.username.split('@');
    const first = local.split('.')[0] ?? local;
    const renamed = RENAMED_USERS[first] ?? `${first}-x`;
    user.username = `${renamed}${local.slice(first.length)}@${user.tenant === undefined || user.tenant === oldHome ? TENANT.domain : domain}`;
    user.displayName = user.displayName.replace(/^\S+/, renamed[0]?.toUpperCase() + renamed.slice(1));
    user.oid = randomUUID();
    if (user.tenant === oldHome) user.tenant = TENANT.name;
    for (const assignment of user.appRoleAssignments)
      assignment.resource = names.get(assignment.resource) ?? assignment.resource;
  }
  const path = join(mkdtempSync(join(tmpdir(), 'chain-renamed-tenant-')), 'registrations.yaml');
  writeFileSync(path, stringify(JSON.parse(JSON.stringify(reg)) as unknown));
  return { path, registrations: loadRegistrations(path) };
}
