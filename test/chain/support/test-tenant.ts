import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ApplicationRegistration, loadRegistrations, type Registrations } from '@chain/local-tenant';
import { stringify } from 'yaml';

/** A client the tenant grants `Pricing.Read.All` but that pricing-service's allow-list (derived from the tenant file) does not name. */
export const PARTNER = {
  name: 'partner-batch',
  clientId: '6a3c8d5e-7f0a-4e4b-8c9d-2e1f0a9b8c77',
  secret: 'partner-batch-local-secret-for-tests-only',
} as const;

/** A delegated scope the test tenant adds to pricing-service, so that a real user token for it exists. */
export const PRICING_PREVIEW = 'Pricing.Preview';

/** The registration of app `name`. */
export function appNamed(reg: Registrations, name: string): ApplicationRegistration {
  const app = reg.applications.find((a) => a.name === name);
  if (app === undefined) throw new Error(`no application ${name} in the registrations`);
  return app;
}

/** `<App ID URI>/<scope>` of an app of the tenant (`api://pricing-service/.default`, `https://…/pricing-service/.default`). */
export function scopeOf(
  app: Pick<ApplicationRegistration, 'identifierUris' | 'clientId'>,
  scope: string,
): string {
  return `${app.identifierUris[0] ?? `api://${app.clientId}`}/${scope}`;
}

/**
 * Writes the tenant file plus test-only changes, for the EMULATOR only (the apps keep the env derived
 * from the real file, so pricing-service's allow-list still names the BFF alone): the `partner-batch`
 * client and documents-service granted the application permission `Pricing.Read.All`, and a delegated
 * scope `Pricing.Preview` on pricing-service consented for the SPA. Returns the file's path.
 */
export function writeTestTenant(registrationsPath: string): string {
  const reg = loadRegistrations(registrationsPath);
  const pricing = reg.applications.find((a) => a.name === 'pricing-service');
  const web = reg.applications.find((a) => a.name === 'web');
  const documents = reg.applications.find((a) => a.name === 'documents-service');
  if (pricing === undefined || web === undefined || documents === undefined)
    throw new Error('the tenant file lacks pricing-service, web or documents-service');
  documents.requiredResourceAccess.push({
    resource: 'pricing-service',
    delegated: [],
    application: ['Pricing.Read.All'],
    consented: true,
  });
  pricing.scopes.push(PRICING_PREVIEW);
  web.requiredResourceAccess.push({
    resource: 'pricing-service',
    delegated: [PRICING_PREVIEW],
    application: [],
    consented: true,
  });
  reg.applications.push({
    ...pricing,
    name: PARTNER.name,
    displayName: 'Partner batch job (test only)',
    clientId: PARTNER.clientId,
    secrets: [{ value: PARTNER.secret }],
    delegationKey: undefined,
    identifierUris: [],
    scopes: [],
    appRoles: [],
    requiredResourceAccess: [
      { resource: 'pricing-service', delegated: [], application: ['Pricing.Read.All'], consented: true },
    ],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'chain-tenant-')), 'registrations.yaml');
  writeFileSync(file, stringify(reg));
  return file;
}
