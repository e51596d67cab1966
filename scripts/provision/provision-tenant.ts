import { createHash, X509Certificate } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import type { ApplicationRegistration, Registrations } from '@chain/local-tenant';

import type { GraphClient } from './graph-client';

/** The tag that names an application's registration: how a second run finds what the first created. */
export const NAME_TAG_PREFIX = 'entra-api-chain:';
/** `displayName` of the client secrets provisioning adds. */
export const SECRET_NAME = 'entra-api-chain provision';

interface Scope {
  id: string;
  value: string;
  type: string;
  isEnabled: boolean;
  adminConsentDisplayName: string | null;
  adminConsentDescription: string | null;
  userConsentDisplayName: string | null;
  userConsentDescription: string | null;
}
interface AppRole {
  id: string;
  value: string;
  allowedMemberTypes: string[];
  displayName: string | null;
  description: string | null;
  isEnabled: boolean;
}
interface OptionalClaim {
  name: string;
  source: string | null;
  essential: boolean;
  additionalProperties: string[];
}
interface RequiredAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Scope' | 'Role' }[];
}
interface Application {
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
  signInAudience: string;
  identifierUris: string[];
  isFallbackPublicClient: boolean | null;
  api: { requestedAccessTokenVersion: number | null; oauth2PermissionScopes: Scope[] } & Record<
    string,
    unknown
  >;
  appRoles: AppRole[];
  requiredResourceAccess: RequiredAccess[];
  spa: { redirectUris: string[] } & Record<string, unknown>;
  web: { redirectUris: string[] } & Record<string, unknown>;
  publicClient: { redirectUris: string[] } & Record<string, unknown>;
  optionalClaims: {
    accessToken: OptionalClaim[];
    idToken: OptionalClaim[];
    saml2Token: OptionalClaim[];
  } | null;
  passwordCredentials: {
    keyId: string;
    displayName: string | null;
    hint: string | null;
    endDateTime: string;
  }[];
  keyCredentials: { keyId: string; customKeyIdentifier: string | null }[];
}
interface ServicePrincipal {
  id: string;
  appId: string;
}
interface PermissionGrant {
  id: string;
  clientId: string;
  consentType: string;
  resourceId: string;
  scope: string;
}
interface AppRoleAssignment {
  principalId: string;
  appRoleId: string;
}

/** What a run did (or, in a dry run, would do) per registration, and the tenant's ids for them. */
export interface ProvisionResult {
  readonly tenantId: string;
  readonly apps: Record<string, { appId: string; objectId: string; servicePrincipalId: string }>;
  /** Secrets usable by the apps: the ones added now plus the ones a previous run wrote and Graph still has. */
  readonly secrets: Record<string, { value: string; expiresAt: string }[]>;
  readonly changes: string[];
  readonly warnings: string[];
}

export interface ProvisionInput {
  readonly registrations: Registrations;
  readonly tenantId: string;
  /** The registrations a previous run wrote (their secrets are reused while Graph still has them). */
  readonly previous?: Registrations;
}

/**
 * Makes the tenant hold the registrations of the file, through Microsoft Graph v1.0, changing only what
 * differs (docs/provisioning.md): applications (found by their name tag, else by identifier URI), service
 * principals, requested permissions, admin consent (delegated: oauth2PermissionGrants; application:
 * appRoleAssignedTo), users' app roles, secrets and certificates.
 */
export async function provisionTenant(graph: GraphClient, input: ProvisionInput): Promise<ProvisionResult> {
  const run = new Run(graph, input);
  return run.execute();
}

class Run {
  private readonly apps = new Map<string, Application>();
  private readonly principals = new Map<string, ServicePrincipal>();
  /** Objects created in a dry run do not exist: nothing is read about them. */
  private readonly planned = new Set<string>();
  private readonly changes: string[] = [];
  private readonly warnings: string[] = [];
  private readonly secrets: Record<string, { value: string; expiresAt: string }[]> = {};

  constructor(
    private readonly graph: GraphClient,
    private readonly input: ProvisionInput,
  ) {}

  private get regs(): readonly ApplicationRegistration[] {
    return this.input.registrations.applications;
  }

  async execute(): Promise<ProvisionResult> {
    for (const reg of this.regs) await this.application(reg);
    for (const reg of this.regs) await this.servicePrincipal(reg);
    for (const reg of this.regs) await this.requiredAccess(reg);
    for (const reg of this.regs) await this.consent(reg);
    await this.userAssignments();
    for (const reg of this.regs) await this.credentials(reg);
    return {
      tenantId: this.input.tenantId,
      apps: Object.fromEntries(
        this.regs.map((r) => {
          const app = this.app(r.name);
          return [r.name, { appId: app.appId, objectId: app.id, servicePrincipalId: this.sp(r.name).id }];
        }),
      ),
      secrets: this.secrets,
      changes: this.changes,
      warnings: this.warnings,
    };
  }

  private app(name: string): Application {
    const app = this.apps.get(name);
    if (app === undefined) throw new Error(`registrations: no application named ${name}`);
    return app;
  }

  private sp(name: string): ServicePrincipal {
    const sp = this.principals.get(name);
    if (sp === undefined) throw new Error(`registrations: ${name} has no service principal`);
    return sp;
  }

  // ---- applications -------------------------------------------------------------------------------

  private async application(reg: ApplicationRegistration): Promise<void> {
    const tag = `${NAME_TAG_PREFIX}${reg.name}`;
    let [existing] = await this.graph.list<Application>(
      `/applications?$filter=${encodeURIComponent(`tags/any(t:t eq '${tag}')`)}`,
    );
    for (const uri of existing === undefined ? reg.identifierUris : []) {
      [existing] = await this.graph.list<Application>(
        `/applications?$filter=${encodeURIComponent(`identifierUris/any(x:x eq '${odata(uri)}')`)}`,
      );
      if (existing !== undefined) break;
    }
    const desired = desiredApplication(reg, existing);
    if (existing === undefined) {
      const created = await this.graph.write<Application>('POST', '/applications', desired, () => ({
        ...(desired as unknown as Application),
        id: `<object id of ${reg.name}>`,
        appId: `<appId of ${reg.name}>`,
        requiredResourceAccess: [],
        passwordCredentials: [],
        keyCredentials: [],
      }));
      if (this.graph.dryRun) this.planned.add(reg.name);
      this.apps.set(reg.name, created);
      this.changes.push(`${reg.name}: created the application (appId ${created.appId})`);
      return;
    }
    const patch = differences(existing, desired);
    if (Object.keys(patch).length > 0) {
      await this.graph.write('PATCH', `/applications/${existing.id}`, patch, () => undefined);
      this.changes.push(`${reg.name}: updated ${Object.keys(patch).join(', ')}`);
    }
    this.apps.set(reg.name, { ...existing, ...(patch as Partial<Application>) });
  }

  private async servicePrincipal(reg: ApplicationRegistration): Promise<void> {
    const app = this.app(reg.name);
    const [existing] = this.planned.has(reg.name)
      ? []
      : await this.graph.list<ServicePrincipal>(
          `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`,
        );
    if (existing !== undefined) return void this.principals.set(reg.name, existing);
    const body = { appId: app.appId, tags: [`${NAME_TAG_PREFIX}${reg.name}`] };
    const created = await this.graph.write<ServicePrincipal>('POST', '/servicePrincipals', body, () => ({
      id: `<service principal id of ${reg.name}>`,
      appId: app.appId,
    }));
    this.principals.set(reg.name, created);
    this.changes.push(`${reg.name}: created the service principal`);
  }

  /** `requiredResourceAccess`: the file's permissions by Graph id; other resources' entries are kept. */
  private async requiredAccess(reg: ApplicationRegistration): Promise<void> {
    const app = this.app(reg.name);
    const ours = new Map<string, RequiredAccess>();
    for (const access of reg.requiredResourceAccess) {
      const resource = this.app(access.resource);
      const entry = ours.get(resource.appId) ?? { resourceAppId: resource.appId, resourceAccess: [] };
      for (const value of access.delegated)
        entry.resourceAccess.push({ id: scopeId(resource, value), type: 'Scope' });
      for (const value of access.application)
        entry.resourceAccess.push({ id: roleId(resource, value), type: 'Role' });
      ours.set(resource.appId, entry);
    }
    const others = app.requiredResourceAccess.filter((r) => !ours.has(r.resourceAppId));
    const desired = [...others, ...ours.values()];
    if (sameAccess(app.requiredResourceAccess, desired)) return;
    await this.graph.write(
      'PATCH',
      `/applications/${app.id}`,
      { requiredResourceAccess: desired },
      () => undefined,
    );
    app.requiredResourceAccess = desired;
    this.changes.push(`${reg.name}: set requiredResourceAccess`);
  }

  // ---- admin consent ------------------------------------------------------------------------------

  private async consent(reg: ApplicationRegistration): Promise<void> {
    const client = this.sp(reg.name);
    const consented = reg.requiredResourceAccess.filter((a) => a.consented);
    if (consented.length === 0) return;
    const grants = this.planned.has(reg.name)
      ? []
      : await this.graph.list<PermissionGrant>(
          `/oauth2PermissionGrants?$filter=${encodeURIComponent(`clientId eq '${client.id}'`)}`,
        );
    for (const access of consented) {
      const resource = this.sp(access.resource);
      if (access.delegated.length > 0) await this.delegatedGrant(reg.name, client, resource, access, grants);
      for (const role of access.application) {
        const appRoleId = roleId(this.app(access.resource), role);
        await this.assignment(
          client.id,
          resource,
          appRoleId,
          `${reg.name}: granted ${access.resource} ${role}`,
        );
      }
    }
  }

  private async delegatedGrant(
    name: string,
    client: ServicePrincipal,
    resource: ServicePrincipal,
    access: { resource: string; delegated: readonly string[] },
    grants: PermissionGrant[],
  ): Promise<void> {
    const grant = grants.find((g) => g.consentType === 'AllPrincipals' && g.resourceId === resource.id);
    const granted = new Set((grant?.scope ?? '').split(' ').filter((s) => s !== ''));
    const missing = access.delegated.filter((s) => !granted.has(s));
    if (missing.length === 0) return;
    const scope = [...granted, ...missing].join(' ');
    if (grant === undefined) {
      const body = { clientId: client.id, consentType: 'AllPrincipals', resourceId: resource.id, scope };
      const created = await this.graph.write<PermissionGrant>(
        'POST',
        '/oauth2PermissionGrants',
        body,
        () => ({
          ...body,
          id: `<grant of ${name} on ${access.resource}>`,
        }),
      );
      grants.push(created);
    } else {
      await this.graph.write('PATCH', `/oauth2PermissionGrants/${grant.id}`, { scope }, () => undefined);
      grant.scope = scope;
    }
    this.changes.push(`${name}: admin consent to ${access.resource} ${missing.join(' ')}`);
  }

  private readonly assignedTo = new Map<string, AppRoleAssignment[]>();

  private async assignment(
    principalId: string,
    resource: ServicePrincipal,
    appRoleId: string,
    change: string,
  ): Promise<void> {
    let assigned = this.assignedTo.get(resource.id);
    if (assigned === undefined) {
      const isPlanned = resource.id.startsWith('<');
      assigned = isPlanned
        ? []
        : await this.graph.list<AppRoleAssignment>(`/servicePrincipals/${resource.id}/appRoleAssignedTo`);
      this.assignedTo.set(resource.id, assigned);
    }
    if (assigned.some((a) => a.principalId === principalId && a.appRoleId === appRoleId)) return;
    const body = { principalId, resourceId: resource.id, appRoleId };
    await this.graph.write('POST', `/servicePrincipals/${resource.id}/appRoleAssignedTo`, body, () => body);
    assigned.push(body);
    this.changes.push(change);
  }

  private async userAssignments(): Promise<void> {
    for (const user of this.input.registrations.users) {
      if (user.appRoleAssignments.length === 0) continue;
      let id: string;
      try {
        id = (await this.graph.get<{ id: string }>(`/users/${encodeURIComponent(user.username)}`)).id;
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        this.warnings.push(
          `user ${user.username} is not in the tenant: its app roles (${user.appRoleAssignments.map((a) => `${a.resource} ${a.role}`).join(', ')}) were not assigned`,
        );
        continue;
      }
      for (const a of user.appRoleAssignments) {
        const appRoleId = roleId(this.app(a.resource), a.role);
        await this.assignment(
          id,
          this.sp(a.resource),
          appRoleId,
          `${user.username}: assigned ${a.resource} ${a.role}`,
        );
      }
    }
  }

  // ---- credentials --------------------------------------------------------------------------------

  /**
   * As many client secrets as the file gives the app. Graph generates secrets (a file's value cannot be
   * set): a secret a previous run wrote is reused while Graph still lists it; else one is added.
   */
  private async credentials(reg: ApplicationRegistration): Promise<void> {
    const app = this.app(reg.name);
    const previous = this.input.previous?.applications.find((a) => a.name === reg.name);
    const known = app.passwordCredentials.flatMap((credential) => {
      if (credential.displayName !== SECRET_NAME) return [];
      const match = previous?.secrets.find(
        (s) =>
          s.value.startsWith(credential.hint ?? '\u0000') &&
          s.expiresAt !== undefined &&
          Date.parse(s.expiresAt) === Date.parse(credential.endDateTime),
      );
      return match === undefined || Date.parse(credential.endDateTime) < Date.now()
        ? []
        : [{ value: match.value, expiresAt: credential.endDateTime }];
    });
    const secrets = known.slice(0, reg.secrets.length);
    while (secrets.length < reg.secrets.length) {
      const answer = await this.graph.write<{ secretText: string; endDateTime: string }>(
        'POST',
        `/applications/${app.id}/addPassword`,
        { passwordCredential: { displayName: SECRET_NAME } },
        () => ({ secretText: `<new secret of ${reg.name}>`, endDateTime: new Date().toISOString() }),
      );
      secrets.push({ value: answer.secretText, expiresAt: answer.endDateTime });
      this.changes.push(`${reg.name}: added a client secret`);
    }
    if (secrets.length > 0) this.secrets[reg.name] = secrets;
    await this.certificates(reg, app);
    await this.federatedCredentials(reg, app);
  }

  /**
   * The federated identity credentials the file lists (workload identity: the issuer and subject of the
   * cluster's service-account tokens), by name: a missing one is created, one whose issuer, subject or
   * audience differs is updated, any other the app has is left alone (reported).
   */
  private async federatedCredentials(reg: ApplicationRegistration, app: Application): Promise<void> {
    if (reg.federatedCredentials.length === 0) return;
    const path = `/applications/${app.id}/federatedIdentityCredentials`;
    const existing = this.planned.has(reg.name) ? [] : await this.graph.list<FederatedCredential>(path);
    for (const [i, wanted] of reg.federatedCredentials.entries()) {
      const name = wanted.name ?? `${reg.name}-federated-${i + 1}`;
      const desired = { issuer: wanted.issuer, subject: wanted.subject, audiences: [...wanted.audiences] };
      const found = existing.find((c) => c.name === name);
      if (found === undefined) {
        await this.graph.write('POST', path, { name, ...desired }, () => undefined);
        this.changes.push(`${reg.name}: added the federated credential ${name} (${wanted.subject})`);
      } else if (
        found.issuer !== desired.issuer ||
        found.subject !== desired.subject ||
        found.audiences.join(' ') !== desired.audiences.join(' ')
      ) {
        await this.graph.write('PATCH', `${path}/${found.id}`, desired, () => undefined);
        this.changes.push(`${reg.name}: updated the federated credential ${name}`);
      }
    }
    const named = new Set(reg.federatedCredentials.map((c, i) => c.name ?? `${reg.name}-federated-${i + 1}`));
    for (const other of existing.filter((c) => !named.has(c.name)))
      this.warnings.push(
        `${reg.name}: federated credential ${other.name} is not in the file (left as it is)`,
      );
  }

  /** Certificates of the file, uploaded as key credentials (Graph's PATCH can add only to an app without any). */
  private async certificates(reg: ApplicationRegistration, app: Application): Promise<void> {
    if (reg.certificates.length === 0) return;
    const wanted = reg.certificates.map((c) => {
      const cert = new X509Certificate(c.pem as string);
      return {
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: cert.raw.toString('base64'),
        displayName: `CN=${cert.subject.replace(/^CN=/, '')}`,
        customKeyIdentifier: createHash('sha1').update(cert.raw).digest('base64'),
        ...(c.startDateTime === undefined ? {} : { startDateTime: c.startDateTime }),
        ...(c.endDateTime === undefined ? {} : { endDateTime: c.endDateTime }),
      };
    });
    const present = new Set(app.keyCredentials.map((k) => k.customKeyIdentifier));
    const missing = wanted.filter((w) => !present.has(w.customKeyIdentifier));
    if (missing.length === 0) return;
    if (app.keyCredentials.length > 0) {
      this.warnings.push(
        `${reg.name}: ${missing.length} certificate(s) not uploaded: the app already has other key credentials, and Graph adds to those only with addKey and a proof of possession; upload them in the portal`,
      );
      return;
    }
    await this.graph.write('PATCH', `/applications/${app.id}`, { keyCredentials: wanted }, () => undefined);
    this.changes.push(`${reg.name}: uploaded ${wanted.length} certificate(s)`);
  }
}

/** A federated identity credential as Graph lists it. */
interface FederatedCredential {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** The application's properties as the file says, with ids of existing permissions kept. */
function desiredApplication(
  reg: ApplicationRegistration,
  existing: Application | undefined,
): Record<string, unknown> {
  const tag = `${NAME_TAG_PREFIX}${reg.name}`;
  const scopes = mergePermissions(existing?.api.oauth2PermissionScopes ?? [], reg.scopes, (value, old) => ({
    id: old?.id ?? stableId(reg.name, 'scope', value),
    value,
    type: old?.type ?? 'User',
    isEnabled: true,
    adminConsentDisplayName: old?.adminConsentDisplayName ?? value,
    adminConsentDescription: old?.adminConsentDescription ?? `${value} on ${reg.displayName}`,
    userConsentDisplayName: old?.userConsentDisplayName ?? null,
    userConsentDescription: old?.userConsentDescription ?? null,
  }));
  const roles = mergePermissions(
    existing?.appRoles ?? [],
    reg.appRoles.map((r) => r.value),
    (value, old) => ({
      id: old?.id ?? stableId(reg.name, 'role', value),
      value,
      allowedMemberTypes: [...(reg.appRoles.find((r) => r.value === value)?.allowedMemberTypes ?? [])],
      displayName: old?.displayName ?? value,
      description: old?.description ?? `${value} on ${reg.displayName}`,
      isEnabled: true,
    }),
  );
  const claim = (c: { name: string; additionalProperties: readonly string[] }): OptionalClaim => ({
    name: c.name,
    source: null,
    essential: false,
    additionalProperties: [...c.additionalProperties],
  });
  const redirects = (type: string) => (reg.type === type ? reg.redirectUris : []);
  return {
    displayName: reg.displayName,
    tags: [...new Set([...(existing?.tags ?? []), tag])],
    signInAudience: reg.signInAudience,
    identifierUris: reg.identifierUris,
    isFallbackPublicClient: reg.type === 'public' ? true : (existing?.isFallbackPublicClient ?? null),
    api: {
      ...(existing?.api ?? {}),
      requestedAccessTokenVersion: reg.accessTokenAcceptedVersion,
      oauth2PermissionScopes: scopes,
    },
    appRoles: roles,
    spa: { ...(existing?.spa ?? {}), redirectUris: redirects('spa') },
    web: { ...(existing?.web ?? {}), redirectUris: redirects('confidential') },
    publicClient: { ...(existing?.publicClient ?? {}), redirectUris: redirects('public') },
    optionalClaims: {
      accessToken: reg.optionalClaims.accessToken.map(claim),
      idToken: reg.optionalClaims.idToken.map(claim),
      saml2Token: existing?.optionalClaims?.saml2Token ?? [],
    },
  };
}

/**
 * The file's permissions, each keeping the id of the existing one with its value; permissions the tenant
 * has and the file does not are kept as they are (Graph removes one only once disabled: a deliberate act).
 */
function mergePermissions<T extends { value: string }>(
  existing: readonly T[],
  values: readonly string[],
  build: (value: string, old: T | undefined) => T,
): T[] {
  const fromFile = values.map((v) =>
    build(
      v,
      existing.find((e) => e.value === v),
    ),
  );
  const extra = existing.filter((e) => !values.includes(e.value));
  return [...extra, ...fromFile];
}

/** The top-level properties of `desired` that differ from `existing` (order of collections ignored). */
function differences(existing: Application, desired: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    const current = (existing as unknown as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(normalize(current), normalize(value))) patch[key] = value;
  }
  return patch;
}

/** Sorts arrays and drops undefined so that equal configurations compare equal. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(normalize).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, normalize(v)]),
  );
}

function sameAccess(a: readonly RequiredAccess[], b: readonly RequiredAccess[]): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

function scopeId(resource: Application, value: string): string {
  const id = resource.api.oauth2PermissionScopes.find((s) => s.value === value)?.id;
  if (id === undefined) throw new Error(`${resource.displayName} exposes no scope ${value}`);
  return id;
}

function roleId(resource: Application, value: string): string {
  const id = resource.appRoles.find((r) => r.value === value)?.id;
  if (id === undefined) throw new Error(`${resource.displayName} has no app role ${value}`);
  return id;
}

/** A GUID derived from the registration and permission: the same in every tenant and every dry run. */
export function stableId(app: string, kind: string, value: string): string {
  const hex = createHash('sha256').update(`entra-api-chain:${app}:${kind}:${value}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A string literal inside an OData `$filter` (a quote is doubled). */
function odata(value: string): string {
  return value.replace(/'/g, "''");
}
