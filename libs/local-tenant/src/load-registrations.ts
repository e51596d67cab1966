import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';

import { roleOf } from './chain-roles';
import {
  type ApplicationRegistration,
  type Registrations,
  registrationsSchema,
  TenantKind,
  type TenantRegistration,
  type UserRegistration,
} from './registrations.schema';

/** Thrown when the registrations file is missing, unreadable or invalid; the message names every bad entry. */
export class RegistrationsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid registrations file ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RegistrationsError';
  }
}

/** The default file: `libs/local-tenant/registrations.yaml` under the working directory, else beside this library. */
export function defaultRegistrationsPath(): string {
  const candidates = [
    resolve(process.cwd(), 'libs/local-tenant/registrations.yaml'),
    resolve(__dirname, '../registrations.yaml'),
    resolve(__dirname, '../../../../libs/local-tenant/registrations.yaml'),
  ];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

/**
 * Reads, validates and cross-checks the registrations file. Certificates given by `path` are read and
 * returned inline as `pem`. Throws {@link RegistrationsError} naming each bad entry.
 */
export function loadRegistrations(path: string = defaultRegistrationsPath()): Registrations {
  const file = resolve(path);
  const raw = readText(file);
  return parseRegistrations(raw, file);
}

/** Validates registrations given as YAML text; `file` resolves certificate paths and names the source in errors. */
export function parseRegistrations(yamlText: string, file: string): Registrations {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    throw new RegistrationsError(file, [`not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = registrationsSchema.safeParse(data);
  if (!parsed.success) {
    throw new RegistrationsError(
      file,
      parsed.error.issues.map((i) => describeIssue(i, data)),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new RegistrationsError(file, problems);
  return inlineCertificates(parsed.data, file);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RegistrationsError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code}`]);
  }
}

/** `applications[1] (bff).clientId: must be a GUID` — the index plus the entry's name when it has one. */
function describeIssue(issue: ZodIssue, data: unknown): string {
  let node: unknown = data;
  let where = '';
  for (const key of issue.path) {
    node =
      node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
    where += typeof key === 'number' ? `[${key}]` : where === '' ? key : `.${key}`;
    const label = entryLabel(node);
    if (typeof key === 'number' && label !== undefined) where += ` (${label})`;
  }
  return `${where || '(root)'}: ${issue.message}`;
}

function entryLabel(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  const label = record['name'] ?? record['username'] ?? record['value'] ?? record['resource'];
  return typeof label === 'string' ? label : undefined;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

function crossCheck(reg: Registrations): string[] {
  const problems: string[] = [];
  const tenants = new Set(reg.tenants.map((t) => t.name));
  const apps = new Map(reg.applications.map((a) => [a.name, a]));
  for (const [what, values] of [
    ['tenant id', reg.tenants.map((t) => t.id.toLowerCase())],
    ['application name', reg.applications.map((a) => a.name)],
    ['chain role', reg.applications.flatMap((a) => roleOf(a) ?? [])],
    ['clientId', reg.applications.map((a) => a.clientId.toLowerCase())],
    ['identifierUri', reg.applications.flatMap((a) => a.identifierUris)],
    ['username', reg.users.map((u) => u.username.toLowerCase())],
    ['user oid', reg.users.map((u) => u.oid.toLowerCase())],
  ] as const) {
    for (const dup of duplicates(values)) problems.push(`duplicate ${what} ${dup}`);
  }
  reg.tenants.forEach((tenant, i) => problems.push(...checkTenant(tenant, i)));
  reg.applications.forEach((app, i) => problems.push(...checkApplication(app, i, apps, tenants)));
  reg.applications.forEach((app, i) => problems.push(...checkTenantKindRules(app, i, reg)));
  reg.users.forEach((user, i) => problems.push(...checkUser(user, i, apps, reg)));
  return problems;
}

/** B2C tenants serve user flows; the other kinds have none (their paths carry no policy segment). */
function checkTenant(tenant: TenantRegistration, index: number): string[] {
  const at = `tenants[${index}] (${tenant.name})`;
  const problems: string[] = [];
  const isB2c = tenant.kind === TenantKind.B2c;
  if (isB2c && !tenant.policies.some((p) => !p.mfa))
    problems.push(`${at}.policies: a b2c tenant needs at least one sign-in user flow without mfa`);
  if (!isB2c && tenant.policies.length > 0)
    problems.push(`${at}.policies: only a b2c tenant has user flows (kind is ${tenant.kind})`);
  if (!isB2c && tenant.identityProviders.length > 0)
    problems.push(`${at}.identityProviders: only a b2c tenant is modelled with social identity providers`);
  if (tenant.policies.filter((p) => p.default).length > 1)
    problems.push(`${at}.policies: at most one user flow can be the default`);
  for (const dup of duplicates(tenant.policies.map((p) => p.name.toLowerCase())))
    problems.push(`${at}.policies: duplicate user flow ${dup}`);
  return problems;
}

function checkApplication(
  app: ApplicationRegistration,
  index: number,
  apps: ReadonlyMap<string, ApplicationRegistration>,
  tenants: ReadonlySet<string>,
): string[] {
  const at = `applications[${index}] (${app.name})`;
  const problems: string[] = [];
  if (app.tenant !== undefined && !tenants.has(app.tenant))
    problems.push(`${at}.tenant: unknown tenant ${app.tenant}`);
  if (
    app.type !== 'confidential' &&
    (app.secrets.length > 0 || app.certificates.length > 0 || app.federatedCredentials.length > 0)
  ) {
    const kind = app.type === 'spa' ? 'a spa' : 'a mobile and desktop (public) app';
    problems.push(
      `${at}: ${kind} is a public client and cannot have secrets, certificates or federated credentials`,
    );
  }
  problems.push(...checkOptionalClaims(app, at));
  app.requiredResourceAccess.forEach((access, j) => {
    const where = `${at}.requiredResourceAccess[${j}] (${access.resource})`;
    const resource = apps.get(access.resource);
    if (resource === undefined)
      return problems.push(`${where}.resource: no application named ${access.resource}`);
    for (const scope of access.delegated) {
      if (!resource.scopes.includes(scope))
        problems.push(`${where}.delegated: ${access.resource} exposes no scope ${scope}`);
    }
    for (const role of access.application) {
      const found = resource.appRoles.find(
        (r) => r.value === role && r.allowedMemberTypes.includes('Application'),
      );
      if (found === undefined)
        problems.push(`${where}.application: ${access.resource} has no application role ${role}`);
    }
  });
  return problems;
}

/** `additionalProperties` that exist only for one claim: `include_user_token` (idtyp), `use_guid` (aud). */
function checkOptionalClaims(app: ApplicationRegistration, at: string): string[] {
  const owner = { include_user_token: 'idtyp', use_guid: 'aud' } as const;
  const problems: string[] = [];
  for (const [kind, claims] of Object.entries(app.optionalClaims)) {
    claims.forEach((claim, j) => {
      for (const property of claim.additionalProperties) {
        if (owner[property] !== claim.name)
          problems.push(
            `${at}.optionalClaims.${kind}[${j}] (${claim.name}): ${property} applies only to ${owner[property]}`,
          );
      }
    });
  }
  return problems;
}

/**
 * What only an Entra (workforce) tenant offers here: multi-tenant apps and v1 access tokens; B2C has no
 * optional claims (its user flows return claims).
 */
function checkTenantKindRules(app: ApplicationRegistration, index: number, reg: Registrations): string[] {
  const tenant = reg.tenants.find((t) => t.name === (app.tenant ?? reg.tenants[0]?.name));
  if (tenant === undefined || tenant.kind === TenantKind.Entra) return [];
  const at = `applications[${index}] (${app.name})`;
  const problems: string[] = [];
  if (app.signInAudience !== 'AzureADMyOrg')
    problems.push(
      `${at}.signInAudience: only an entra tenant has multi-tenant apps (kind is ${tenant.kind})`,
    );
  if (app.accessTokenAcceptedVersion === 1)
    problems.push(`${at}.accessTokenAcceptedVersion: v1 tokens are issued only by an entra tenant`);
  const claims = [...app.optionalClaims.accessToken, ...app.optionalClaims.idToken];
  if (tenant.kind === TenantKind.B2c && claims.length > 0)
    problems.push(
      `${at}.optionalClaims: a b2c tenant returns claims from its user flows, not optional claims`,
    );
  return problems;
}

function checkUser(
  user: UserRegistration,
  index: number,
  apps: ReadonlyMap<string, ApplicationRegistration>,
  reg: Registrations,
): string[] {
  const at = `users[${index}] (${user.username})`;
  const problems: string[] = [];
  const tenant = reg.tenants.find((t) => t.name === (user.tenant ?? reg.tenants[0]?.name));
  if (tenant === undefined) problems.push(`${at}.tenant: unknown tenant ${user.tenant}`);
  if (user.identityProvider !== undefined && !tenant?.identityProviders.includes(user.identityProvider))
    problems.push(
      `${at}.identityProvider: ${user.identityProvider} is not among the identityProviders of tenant ${tenant?.name}`,
    );
  user.appRoleAssignments.forEach((assignment, j) => {
    const resource = apps.get(assignment.resource);
    const role = resource?.appRoles.find(
      (r) => r.value === assignment.role && r.allowedMemberTypes.includes('User'),
    );
    if (role === undefined) {
      problems.push(
        `${at}.appRoleAssignments[${j}]: ${assignment.resource} has no user-assignable role ${assignment.role}`,
      );
    }
  });
  return problems;
}

function inlineCertificates(reg: Registrations, file: string): Registrations {
  const base = dirname(file);
  const problems: string[] = [];
  const readPem = (path: string, what: string): string | undefined => {
    const full = isAbsolute(path) ? path : resolve(base, path);
    try {
      return readFileSync(full, 'utf8');
    } catch {
      problems.push(`${what}: cannot read ${full}`);
      return undefined;
    }
  };
  const applications = reg.applications.map((app) => ({
    ...app,
    ...(app.delegationKey?.path === undefined
      ? {}
      : {
          delegationKey: {
            pem: readPem(app.delegationKey.path, `applications (${app.name}).delegationKey`),
          },
        }),
    certificates: app.certificates.map((cert, j) => {
      if (cert.path === undefined) return cert;
      const certPath = isAbsolute(cert.path) ? cert.path : resolve(base, cert.path);
      const { path: _path, ...validity } = cert;
      try {
        return { ...validity, pem: readFileSync(certPath, 'utf8') };
      } catch {
        problems.push(`applications (${app.name}).certificates[${j}]: cannot read ${certPath}`);
        return cert;
      }
    }),
  }));
  if (problems.length > 0) throw new RegistrationsError(file, problems);
  return { ...reg, applications };
}
