import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';

import {
  type ApplicationRegistration,
  ApplicationType,
  type Registrations,
  type ResourceAccess,
  type UserRegistration,
} from '@chain/local-tenant';

import { type Directory, guidFrom } from '../tenant/directory';
import type {
  AddPasswordInput,
  ApplicationBody,
  FederatedCredentialInput,
  FederatedCredentialPatch,
} from './graph-bodies';
import { badRequest, GraphError, notFound } from './graph-error';
import {
  type GraphApplication,
  type GraphAppRole,
  type GraphAppRoleAssignment,
  type GraphFederatedIdentityCredential,
  type GraphOptionalClaims,
  type GraphPasswordCredential,
  type GraphPermissionGrant,
  type GraphPermissionScope,
  type GraphServicePrincipal,
  MICROSOFT_GRAPH_APP_ID,
} from './graph-model';

/** The tag by which an application names its registration (`entra-api-chain:<name>`, set by `npm run provision`). */
export const NAME_TAG_PREFIX = 'entra-api-chain:';

/** Microsoft's first-party apps: service principals in every tenant, never applications of it. */
const FIRST_PARTY = new Set([MICROSOFT_GRAPH_APP_ID]);

interface AppRecord {
  readonly tenantId: string;
  app: GraphApplication;
  /** The registration this application was seeded from (fields Graph does not model are kept from it). */
  readonly seed?: ApplicationRegistration;
  /** `keyId` → secret value (Graph never returns a secret after `addPassword`). */
  readonly secrets: Map<string, string>;
  /** `keyId` → PEM of an uploaded certificate credential. */
  readonly certificates: Map<string, string>;
  /** Its federated identity credentials (workload identity). */
  federated: GraphFederatedIdentityCredential[];
}

interface TenantRecord<T> {
  readonly tenantId: string;
  value: T;
}

/**
 * The tenants' directory objects as Microsoft Graph sees them: applications, service principals,
 * delegated permission grants and app role assignments. Seeded from the registrations the emulator
 * started with; each Graph write derives registrations from these objects again and hands them to the
 * {@link Directory}, which the token endpoints read on every request.
 */
export class GraphDirectory {
  private readonly apps = new Map<string, AppRecord>();
  private readonly principals = new Map<string, TenantRecord<GraphServicePrincipal>>();
  private readonly grants = new Map<string, TenantRecord<GraphPermissionGrant>>();
  private readonly assignments = new Map<string, TenantRecord<GraphAppRoleAssignment>>();
  private writeCount = 0;

  constructor(
    private readonly directory: Directory,
    private readonly now: () => number = Date.now,
  ) {
    this.seed(directory.registrations);
  }

  /** Graph writes served since start (tests read it through `/_admin/graph-writes`). */
  get writes(): number {
    return this.writeCount;
  }

  // ---- applications -------------------------------------------------------------------------------

  applications(tenantId: string): GraphApplication[] {
    return [...this.apps.values()].filter((r) => r.tenantId === tenantId).map((r) => r.app);
  }

  /** By object id, or by appId for `applications(appId='…')`. */
  application(tenantId: string, key: { id?: string; appId?: string }): GraphApplication {
    return this.appRecord(tenantId, key).app;
  }

  createApplication(tenantId: string, body: ApplicationBody): GraphApplication {
    if (body.displayName === undefined)
      throw badRequest("Property 'displayName' is required when creating the entity.");
    const app = this.applyBody(tenantId, emptyApplication(body.displayName, this.iso()), body, undefined);
    this.apps.set(app.id, {
      tenantId,
      app,
      secrets: new Map(),
      certificates: this.certificatesOf(body),
      federated: [],
    });
    this.commit();
    return app;
  }

  updateApplication(tenantId: string, id: string, body: ApplicationBody): void {
    const record = this.appRecord(tenantId, { id });
    record.app = this.applyBody(tenantId, record.app, body, record.app);
    for (const [keyId, pem] of this.certificatesOf(body)) record.certificates.set(keyId, pem);
    if (body.keyCredentials !== undefined) {
      const kept = new Set(record.app.keyCredentials.map((k) => k.keyId));
      for (const keyId of [...record.certificates.keys()])
        if (!kept.has(keyId)) record.certificates.delete(keyId);
    }
    this.commit();
  }

  addPassword(tenantId: string, id: string, input: AddPasswordInput): Record<string, unknown> {
    const record = this.appRecord(tenantId, { id });
    const secretText = randomBytes(30).toString('base64url');
    const start = input.startDateTime ?? this.iso();
    const end = input.endDateTime ?? new Date(Date.parse(start) + 2 * 365 * 86_400_000).toISOString();
    const credential: GraphPasswordCredential = {
      keyId: randomUUID(),
      displayName: input.displayName ?? null,
      hint: secretText.slice(0, 3),
      startDateTime: start,
      endDateTime: end,
      customKeyIdentifier: null,
      secretText: null,
    };
    record.app = { ...record.app, passwordCredentials: [...record.app.passwordCredentials, credential] };
    record.secrets.set(credential.keyId, secretText);
    this.commit();
    return { ...credential, secretText };
  }

  // ---- federated identity credentials -------------------------------------------------------------

  federatedCredentials(tenantId: string, id: string): GraphFederatedIdentityCredential[] {
    return this.appRecord(tenantId, { id }).federated;
  }

  /** Adds one; a name the application already uses is a 409, as Graph answers (docs/emulator.md). */
  addFederatedCredential(
    tenantId: string,
    id: string,
    input: FederatedCredentialInput,
  ): GraphFederatedIdentityCredential {
    const record = this.appRecord(tenantId, { id });
    if (record.federated.some((c) => c.name.toLowerCase() === input.name.toLowerCase()))
      throw new GraphError(
        409,
        'Request_MultipleObjectsWithSameKeyValue',
        `FederatedIdentityCredential with name ${input.name} already exists.`,
      );
    const credential: GraphFederatedIdentityCredential = {
      id: randomUUID(),
      name: input.name,
      issuer: input.issuer,
      subject: input.subject,
      audiences: [...input.audiences],
      description: input.description ?? null,
    };
    record.federated = [...record.federated, credential];
    this.commit();
    return credential;
  }

  /** Updates one, found by id or by name (Graph accepts either in the URL). */
  updateFederatedCredential(
    tenantId: string,
    id: string,
    key: string,
    patch: FederatedCredentialPatch,
  ): void {
    const record = this.appRecord(tenantId, { id });
    const found = record.federated.find((c) => c.id === key.toLowerCase() || c.name === key);
    if (found === undefined)
      throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist.`);
    record.federated = record.federated.map((c) =>
      c === found
        ? {
            ...c,
            ...(patch.issuer === undefined ? {} : { issuer: patch.issuer }),
            ...(patch.subject === undefined ? {} : { subject: patch.subject }),
            ...(patch.audiences === undefined ? {} : { audiences: [...patch.audiences] }),
            ...(patch.description === undefined ? {} : { description: patch.description }),
          }
        : c,
    );
    this.commit();
  }

  // ---- service principals -------------------------------------------------------------------------

  servicePrincipals(tenantId: string): GraphServicePrincipal[] {
    return [...this.principals.values()].filter((r) => r.tenantId === tenantId).map((r) => r.value);
  }

  servicePrincipal(tenantId: string, id: string): GraphServicePrincipal {
    const found = this.principals.get(id.toLowerCase());
    if (found === undefined || found.tenantId !== tenantId) throw notFound(id);
    return found.value;
  }

  /** The service principal with the permissions its application exposes, as Graph returns it. */
  servicePrincipalView(tenantId: string, sp: GraphServicePrincipal): Record<string, unknown> {
    const app = this.appOf(tenantId, sp.appId);
    return {
      ...sp,
      appRoles: app?.appRoles ?? [],
      oauth2PermissionScopes: app?.api.oauth2PermissionScopes ?? [],
    };
  }

  createServicePrincipal(tenantId: string, appId: string, tags: readonly string[]): GraphServicePrincipal {
    const app = this.appOf(tenantId, appId);
    if (app === undefined)
      throw badRequest(
        `The appId '${appId}' of the service principal does not reference a valid application object.`,
        'Request_BadRequest',
      );
    if (this.principalOfApp(tenantId, appId) !== undefined)
      throw new GraphError(
        409,
        'Request_MultipleObjectsWithSameKeyValue',
        'The service principal cannot be created, updated, or restored because the service principal name is already in use.',
      );
    const sp = servicePrincipalOf(app, randomUUID(), tenantId, [...tags]);
    this.principals.set(sp.id, { tenantId, value: sp });
    this.commit();
    return sp;
  }

  // ---- delegated permission grants ----------------------------------------------------------------

  permissionGrants(tenantId: string): GraphPermissionGrant[] {
    return [...this.grants.values()].filter((r) => r.tenantId === tenantId).map((r) => r.value);
  }

  createPermissionGrant(
    tenantId: string,
    body: Omit<GraphPermissionGrant, 'id' | 'principalId'> & { principalId?: string | null },
  ): GraphPermissionGrant {
    this.servicePrincipal(tenantId, body.clientId);
    this.servicePrincipal(tenantId, body.resourceId);
    if (body.consentType === 'Principal')
      throw badRequest('The emulator models admin consent only: consentType must be AllPrincipals.');
    const duplicate = this.permissionGrants(tenantId).some(
      (g) => g.clientId === body.clientId && g.resourceId === body.resourceId,
    );
    if (duplicate)
      throw new GraphError(
        409,
        'Request_MultipleObjectsWithSameKeyValue',
        'Permission entry already exists.',
      );
    const grant: GraphPermissionGrant = {
      id: randomBytes(32).toString('base64url'),
      clientId: body.clientId.toLowerCase(),
      consentType: 'AllPrincipals',
      principalId: null,
      resourceId: body.resourceId.toLowerCase(),
      scope: body.scope,
    };
    this.grants.set(grant.id, { tenantId, value: grant });
    this.commit();
    return grant;
  }

  updatePermissionGrant(tenantId: string, id: string, scope: string): void {
    const found = this.grants.get(id);
    if (found === undefined || found.tenantId !== tenantId) throw notFound(id);
    found.value = { ...found.value, scope };
    this.commit();
  }

  // ---- app role assignments -----------------------------------------------------------------------

  assignmentsTo(tenantId: string, resourceId: string): GraphAppRoleAssignment[] {
    this.servicePrincipal(tenantId, resourceId);
    return [...this.assignments.values()]
      .filter((r) => r.tenantId === tenantId && r.value.resourceId === resourceId.toLowerCase())
      .map((r) => r.value);
  }

  assign(
    tenantId: string,
    pathResourceId: string,
    body: { principalId: string; resourceId: string; appRoleId: string },
  ): GraphAppRoleAssignment {
    if (body.resourceId.toLowerCase() !== pathResourceId.toLowerCase())
      throw badRequest('resourceId must be the service principal of the request URL.');
    const resource = this.servicePrincipal(tenantId, body.resourceId);
    const principal = this.principalNamed(tenantId, body.principalId);
    const role = this.appOf(tenantId, resource.appId)?.appRoles.find(
      (r) => r.id === body.appRoleId.toLowerCase() && r.isEnabled,
    );
    const memberType = principal.type === 'User' ? 'User' : 'Application';
    if (role === undefined || !role.allowedMemberTypes.includes(memberType))
      throw badRequest('Permission being assigned was not found on application');
    const exists = this.assignmentsTo(tenantId, resource.id).some(
      (a) => a.principalId === body.principalId.toLowerCase() && a.appRoleId === role.id,
    );
    if (exists) throw badRequest('Permission being assigned already exists on the object');
    const assignment = this.addAssignment(tenantId, principal, resource, role.id);
    this.commit();
    return assignment;
  }

  // ---- users ----------------------------------------------------------------------------------------

  /** A user of the tenant by object id or userPrincipalName (users are not created through this subset). */
  user(tenantId: string, key: string): Record<string, unknown> {
    const user = this.usersOf(tenantId).find(
      (u) => u.oid.toLowerCase() === key.toLowerCase() || u.username.toLowerCase() === key.toLowerCase(),
    );
    if (user === undefined) throw notFound(key);
    return { id: user.oid.toLowerCase(), userPrincipalName: user.username, displayName: user.displayName };
  }

  // ---- internals ------------------------------------------------------------------------------------

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private appRecord(tenantId: string, key: { id?: string; appId?: string }): AppRecord {
    const found =
      key.id !== undefined
        ? this.apps.get(key.id.toLowerCase())
        : [...this.apps.values()].find((r) => r.app.appId === key.appId?.toLowerCase());
    if (found === undefined || found.tenantId !== tenantId) throw notFound(key.id ?? key.appId ?? '');
    return found;
  }

  /** The application of `appId` in the tenant, or a first-party app's (Graph) manifest. */
  private appOf(tenantId: string, appId: string): GraphApplication | undefined {
    const record = [...this.apps.values()].find((r) => r.app.appId === appId.toLowerCase());
    if (record !== undefined && record.tenantId === tenantId) return record.app;
    return this.firstParty.get(`${tenantId}|${appId.toLowerCase()}`);
  }

  private readonly firstParty = new Map<string, GraphApplication>();

  private principalOfApp(tenantId: string, appId: string): GraphServicePrincipal | undefined {
    return this.servicePrincipals(tenantId).find((sp) => sp.appId === appId.toLowerCase());
  }

  private principalNamed(
    tenantId: string,
    id: string,
  ): { type: 'User' | 'ServicePrincipal'; id: string; displayName: string } {
    const sp = this.principals.get(id.toLowerCase());
    if (sp !== undefined && sp.tenantId === tenantId)
      return { type: 'ServicePrincipal', id: sp.value.id, displayName: sp.value.displayName };
    const user = this.usersOf(tenantId).find((u) => u.oid.toLowerCase() === id.toLowerCase());
    if (user === undefined) throw notFound(id);
    return { type: 'User', id: user.oid.toLowerCase(), displayName: user.displayName };
  }

  private usersOf(tenantId: string): UserRegistration[] {
    const reg = this.directory.registrations;
    const tenantName = reg.tenants.find((t) => t.id.toLowerCase() === tenantId)?.name;
    const first = reg.tenants[0]?.name;
    return reg.users.filter((u) => (u.tenant ?? first) === tenantName);
  }

  private addAssignment(
    tenantId: string,
    principal: { type: 'User' | 'ServicePrincipal'; id: string; displayName: string },
    resource: GraphServicePrincipal,
    appRoleId: string,
  ): GraphAppRoleAssignment {
    const assignment: GraphAppRoleAssignment = {
      id: randomBytes(32).toString('base64url'),
      appRoleId,
      principalId: principal.id,
      principalType: principal.type,
      principalDisplayName: principal.displayName,
      resourceId: resource.id,
      resourceDisplayName: resource.displayName,
      createdDateTime: this.iso(),
    };
    this.assignments.set(assignment.id, { tenantId, value: assignment });
    return assignment;
  }

  /** Applies a POST / PATCH body with Graph's rules: unique identifierUris, enabled permissions kept. */
  private applyBody(
    tenantId: string,
    base: GraphApplication,
    body: ApplicationBody,
    existing: GraphApplication | undefined,
  ): GraphApplication {
    if (
      body.signInAudience !== undefined &&
      !['AzureADMyOrg', 'AzureADMultipleOrgs'].includes(body.signInAudience)
    )
      throw badRequest(
        `signInAudience ${body.signInAudience}: the emulator models organizational accounts only (AzureADMyOrg, AzureADMultipleOrgs).`,
      );
    for (const uri of body.identifierUris ?? []) {
      const taken = this.applications(tenantId).some(
        (a) => a.id !== base.id && a.identifierUris.some((u) => u.toLowerCase() === uri.toLowerCase()),
      );
      if (taken)
        throw badRequest('Another object with the same value for property identifierUris already exists.');
    }
    const scopes = body.api?.oauth2PermissionScopes?.map((s) => ({ ...s, id: s.id.toLowerCase() }));
    const roles = body.appRoles?.map((r) => ({ ...r, id: r.id.toLowerCase() }));
    if (existing !== undefined) {
      keepEnabled(existing.api.oauth2PermissionScopes, scopes);
      keepEnabled(existing.appRoles, roles);
    }
    for (const [what, values] of [
      ['oauth2PermissionScopes', scopes],
      ['appRoles', roles],
    ] as const) {
      const seen = new Set<string>();
      for (const v of values ?? []) {
        if (seen.has(v.value))
          throw badRequest(`${what}: the value ${v.value} is used twice; permission values must be unique.`);
        seen.add(v.value);
      }
    }
    return {
      ...base,
      ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
      ...(body.tags === undefined ? {} : { tags: body.tags }),
      ...(body.signInAudience === undefined ? {} : { signInAudience: body.signInAudience }),
      ...(body.identifierUris === undefined ? {} : { identifierUris: body.identifierUris }),
      ...(body.isFallbackPublicClient === undefined
        ? {}
        : { isFallbackPublicClient: body.isFallbackPublicClient }),
      api: {
        requestedAccessTokenVersion:
          body.api?.requestedAccessTokenVersion === undefined
            ? base.api.requestedAccessTokenVersion
            : body.api.requestedAccessTokenVersion,
        oauth2PermissionScopes: scopes ?? base.api.oauth2PermissionScopes,
      },
      appRoles: roles ?? base.appRoles,
      requiredResourceAccess:
        body.requiredResourceAccess?.map((r) => ({
          resourceAppId: r.resourceAppId.toLowerCase(),
          resourceAccess: r.resourceAccess.map((a) => ({ id: a.id.toLowerCase(), type: a.type })),
        })) ?? base.requiredResourceAccess,
      spa: body.spa ?? base.spa,
      web: body.web ?? base.web,
      publicClient: body.publicClient ?? base.publicClient,
      optionalClaims: body.optionalClaims === undefined ? base.optionalClaims : body.optionalClaims,
      keyCredentials:
        body.keyCredentials === undefined ? base.keyCredentials : body.keyCredentials.map(keyCredentialOf),
    };
  }

  private certificatesOf(body: ApplicationBody): Map<string, string> {
    const pems = new Map<string, string>();
    body.keyCredentials?.forEach((k) => {
      const keyId = keyCredentialOf(k).keyId;
      pems.set(keyId, certificateOf(k.key).toString());
    });
    return pems;
  }

  /** One write served: derive the registrations from the objects and serve them. */
  private commit(): void {
    this.writeCount += 1;
    this.directory.replace(this.toRegistrations());
  }

  private seed(reg: Registrations): void {
    const first = reg.tenants[0]?.name;
    const tenantIdOf = (name: string | undefined): string =>
      (reg.tenants.find((t) => t.name === (name ?? first))?.id ?? '').toLowerCase();
    for (const seed of reg.applications) {
      const tenantId = tenantIdOf(seed.tenant);
      const app = applicationOf(seed, this.iso());
      const spId = (
        seed.servicePrincipalId ?? guidFrom(`service-principal:${seed.clientId.toLowerCase()}`)
      ).toLowerCase();
      if (FIRST_PARTY.has(app.appId)) this.firstParty.set(`${tenantId}|${app.appId}`, app);
      else
        this.apps.set(app.id, {
          tenantId,
          app,
          seed,
          secrets: new Map(seed.secrets.map((s, i) => [guidFrom(`${seed.clientId}:secret:${i}`), s.value])),
          certificates: new Map(),
          federated: seed.federatedCredentials.map((c, i) => ({
            id: guidFrom(`${seed.clientId}:federated:${i}`),
            name: c.name ?? `federated-${i + 1}`,
            issuer: c.issuer,
            subject: c.subject,
            audiences: [...c.audiences],
            description: null,
          })),
        });
      this.principals.set(spId, { tenantId, value: servicePrincipalOf(app, spId, tenantId, []) });
    }
    for (const client of reg.applications) {
      this.seedRequiredAccess(reg, client);
      this.seedConsents(reg, client, tenantIdOf(client.tenant));
    }
    for (const user of reg.users) {
      const tenantId = tenantIdOf(user.tenant);
      for (const a of user.appRoleAssignments) {
        const resource = this.seededPrincipal(reg, a.resource);
        const role = resource === undefined ? undefined : this.roleNamed(tenantId, resource.appId, a.role);
        if (resource !== undefined && role !== undefined)
          this.addAssignment(
            tenantId,
            { type: 'User', id: user.oid.toLowerCase(), displayName: user.displayName },
            resource,
            role,
          );
      }
    }
  }

  /** The file's `requiredResourceAccess` by name and value, as Graph's ids (consented or not). */
  private seedRequiredAccess(reg: Registrations, client: ApplicationRegistration): void {
    const record = this.apps.get(guidFrom(`application:${client.clientId.toLowerCase()}`));
    if (record === undefined) return;
    const requiredResourceAccess = client.requiredResourceAccess.flatMap((access) => {
      const appId = reg.applications.find((a) => a.name === access.resource)?.clientId.toLowerCase();
      const resource = appId === undefined ? undefined : (this.appOf(record.tenantId, appId) ?? undefined);
      if (appId === undefined || resource === undefined) return [];
      const scopes = access.delegated.flatMap((v) => {
        const id = resource.api.oauth2PermissionScopes.find((s) => s.value === v)?.id;
        return id === undefined ? [] : [{ id, type: 'Scope' as const }];
      });
      const roles = access.application.flatMap((v) => {
        const id = resource.appRoles.find((r) => r.value === v)?.id;
        return id === undefined ? [] : [{ id, type: 'Role' as const }];
      });
      return [{ resourceAppId: appId, resourceAccess: [...scopes, ...roles] }];
    });
    record.app = { ...record.app, requiredResourceAccess };
  }

  private seedConsents(reg: Registrations, client: ApplicationRegistration, tenantId: string): void {
    const clientSp = this.seededPrincipal(reg, client.name);
    if (clientSp === undefined) return;
    for (const access of client.requiredResourceAccess.filter((a) => a.consented)) {
      const resource = this.seededPrincipal(reg, access.resource);
      if (resource === undefined) continue;
      if (access.delegated.length > 0) {
        const grant: GraphPermissionGrant = {
          id: randomBytes(32).toString('base64url'),
          clientId: clientSp.id,
          consentType: 'AllPrincipals',
          principalId: null,
          resourceId: resource.id,
          scope: access.delegated.join(' '),
        };
        this.grants.set(grant.id, { tenantId, value: grant });
      }
      for (const value of access.application) {
        const role = this.roleNamed(tenantId, resource.appId, value);
        if (role !== undefined)
          this.addAssignment(
            tenantId,
            { type: 'ServicePrincipal', id: clientSp.id, displayName: clientSp.displayName },
            resource,
            role,
          );
      }
    }
  }

  private seededPrincipal(reg: Registrations, name: string): GraphServicePrincipal | undefined {
    const appId = reg.applications.find((a) => a.name === name)?.clientId.toLowerCase();
    return [...this.principals.values()].find((p) => p.value.appId === appId)?.value;
  }

  private roleNamed(tenantId: string, appId: string, value: string): string | undefined {
    return this.appOf(tenantId, appId)?.appRoles.find((r) => r.value === value)?.id;
  }

  /**
   * The registrations these objects stand for: every application with a service principal (an app
   * without one cannot sign in or be a resource), consent from the grants and assignments.
   */
  toRegistrations(): Registrations {
    const boot = this.directory.registrations;
    const names = new Map<string, string>();
    const withPrincipal = [...this.apps.values()].filter(
      (r) => this.principalOfApp(r.tenantId, r.app.appId) !== undefined,
    );
    for (const record of withPrincipal) names.set(record.app.appId, this.nameOf(record, names));
    const seededFirstParty = boot.applications.filter((a) => FIRST_PARTY.has(a.clientId.toLowerCase()));
    for (const fp of seededFirstParty) names.set(fp.clientId.toLowerCase(), fp.name);
    const applications = [
      ...seededFirstParty,
      ...withPrincipal.map((record) => this.registrationOf(record, names)),
    ];
    const users = boot.users.map((user) => ({
      ...user,
      appRoleAssignments: this.userAssignments(user, names),
    }));
    return { tenants: boot.tenants, applications, users };
  }

  private nameOf(record: AppRecord, taken: ReadonlyMap<string, string>): string {
    if (record.seed !== undefined) return record.seed.name;
    const used = new Set(taken.values());
    const tagged = record.app.tags
      .filter((t) => t.startsWith(NAME_TAG_PREFIX))
      .map((t) => t.slice(NAME_TAG_PREFIX.length))
      .find((n) => /^[a-z0-9][a-z0-9-]*$/.test(n) && !used.has(n));
    return tagged ?? `app-${record.app.appId}`;
  }

  private registrationOf(record: AppRecord, names: ReadonlyMap<string, string>): ApplicationRegistration {
    const { app, seed } = record;
    const tenant = this.directory.registrations.tenants.find((t) => t.id.toLowerCase() === record.tenantId);
    const sp = this.principalOfApp(record.tenantId, app.appId) as GraphServicePrincipal;
    const type = typeOf(app);
    const redirectUris =
      type === ApplicationType.Spa
        ? app.spa.redirectUris
        : type === ApplicationType.Public
          ? app.publicClient.redirectUris
          : app.web.redirectUris;
    const secrets = app.passwordCredentials.flatMap((c) => {
      const value = record.secrets.get(c.keyId);
      return value === undefined ? [] : [{ value, expiresAt: c.endDateTime }];
    });
    return {
      name: names.get(app.appId) as string,
      displayName: app.displayName,
      clientId: app.appId,
      ...(tenant === undefined ? {} : { tenant: tenant.name }),
      servicePrincipalId: sp.id,
      type,
      signInAudience: app.signInAudience === 'AzureADMultipleOrgs' ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
      redirectUris,
      postLogoutRedirectUris: seed?.postLogoutRedirectUris ?? [],
      secrets: type === ApplicationType.Confidential ? secrets : [],
      federatedCredentials:
        type === ApplicationType.Confidential
          ? record.federated.map(({ name, issuer, subject, audiences }) => ({
              name,
              issuer,
              subject,
              audiences,
            }))
          : [],
      certificates:
        type === ApplicationType.Confidential
          ? [
              ...(seed?.certificates ?? []),
              ...app.keyCredentials.flatMap((k) => {
                const pem = record.certificates.get(k.keyId);
                return pem === undefined
                  ? []
                  : [{ pem, startDateTime: k.startDateTime, endDateTime: k.endDateTime }];
              }),
            ]
          : [],
      identifierUris: app.identifierUris,
      accessTokenAcceptedVersion:
        app.api.requestedAccessTokenVersion === 1 || app.api.requestedAccessTokenVersion === 2
          ? app.api.requestedAccessTokenVersion
          : null,
      optionalClaims: optionalClaimsOf(app.optionalClaims),
      scopes: app.api.oauth2PermissionScopes.filter((s) => s.isEnabled).map((s) => s.value),
      appRoles: app.appRoles
        .filter((r) => r.isEnabled)
        .map((r) => ({
          value: r.value,
          allowedMemberTypes: r.allowedMemberTypes.filter(
            (m): m is 'User' | 'Application' => m === 'User' || m === 'Application',
          ),
          requireMfa: seed?.appRoles.find((s) => s.value === r.value)?.requireMfa ?? false,
        })),
      requireMfa: seed?.requireMfa ?? false,
      requiredResourceAccess: this.accessOf(record, sp, names),
      ...(seed?.delegationKey === undefined ? {} : { delegationKey: seed.delegationKey }),
    };
  }

  /**
   * `requiredResourceAccess` with `consented` from the grants: per resource, what is granted (consented)
   * and what is only requested (not consented: token requests fail with AADSTS65001 as in Entra).
   */
  private accessOf(
    record: AppRecord,
    clientSp: GraphServicePrincipal,
    names: ReadonlyMap<string, string>,
  ): ResourceAccess[] {
    const tenantId = record.tenantId;
    const grants = this.permissionGrants(tenantId).filter((g) => g.clientId === clientSp.id);
    const assigned = [...this.assignments.values()]
      .filter((a) => a.tenantId === tenantId && a.value.principalId === clientSp.id)
      .map((a) => a.value);
    const resourceAppIds = new Set([
      ...record.app.requiredResourceAccess.map((r) => r.resourceAppId),
      ...grants.map((g) => this.principals.get(g.resourceId)?.value.appId),
      ...assigned.map((a) => this.principals.get(a.resourceId)?.value.appId),
    ]);
    const access: ResourceAccess[] = [];
    for (const appId of resourceAppIds) {
      if (appId === undefined) continue;
      const name = names.get(appId);
      const resource = this.appOf(tenantId, appId);
      const resourceSp = this.principalOfApp(tenantId, appId);
      if (name === undefined || resource === undefined || resourceSp === undefined) continue;
      const declared =
        record.app.requiredResourceAccess.find((r) => r.resourceAppId === appId)?.resourceAccess ?? [];
      const scopeValue = (id: string): string | undefined =>
        resource.api.oauth2PermissionScopes.find((s) => s.id === id && s.isEnabled)?.value;
      const roleValue = (id: string): string | undefined =>
        resource.appRoles.find((r) => r.id === id && r.isEnabled)?.value;
      const exposed = new Set(
        resource.api.oauth2PermissionScopes.filter((s) => s.isEnabled).map((s) => s.value),
      );
      const granted = grants
        .filter((g) => g.resourceId === resourceSp.id)
        .flatMap((g) => g.scope.split(' '))
        .filter((s) => exposed.has(s));
      const requested = declared.filter((d) => d.type === 'Scope').flatMap((d) => scopeValue(d.id) ?? []);
      const roles = assigned
        .filter((a) => a.resourceId === resourceSp.id)
        .flatMap((a) => roleValue(a.appRoleId) ?? []);
      const requestedRoles = declared.filter((d) => d.type === 'Role').flatMap((d) => roleValue(d.id) ?? []);
      const entries: ResourceAccess[] = [
        { resource: name, delegated: unique(granted), application: unique(roles), consented: true },
        {
          resource: name,
          delegated: unique(requested.filter((s) => !granted.includes(s))),
          application: unique(requestedRoles.filter((r) => !roles.includes(r))),
          consented: false,
        },
      ];
      access.push(...entries.filter((e) => e.delegated.length + e.application.length > 0));
    }
    return access;
  }

  private userAssignments(
    user: UserRegistration,
    names: ReadonlyMap<string, string>,
  ): { resource: string; role: string }[] {
    return [...this.assignments.values()]
      .map((a) => a.value)
      .filter((a) => a.principalId === user.oid.toLowerCase())
      .flatMap((a) => {
        const resource = this.principals.get(a.resourceId);
        if (resource === undefined) return [];
        const name = names.get(resource.value.appId);
        const role = this.appOf(resource.tenantId, resource.value.appId)?.appRoles.find(
          (r) => r.id === a.appRoleId,
        );
        return name === undefined || role === undefined ? [] : [{ resource: name, role: role.value }];
      });
  }
}

/** The certificate of a key credential's `key` (base64 DER); a 400 if it is not one. */
function certificateOf(key: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(key, 'base64'));
  } catch {
    throw badRequest('keyCredentials: key must be a base64-encoded X.509 certificate.');
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Graph refuses to remove or change an enabled permission: disable it first (CannotDeleteOrUpdateEnabledEntitlement). */
function keepEnabled(
  before: readonly (GraphPermissionScope | GraphAppRole)[],
  after: readonly (GraphPermissionScope | GraphAppRole)[] | undefined,
): void {
  if (after === undefined) return;
  for (const old of before.filter((p) => p.isEnabled)) {
    const now = after.find((p) => p.id === old.id);
    if (now === undefined || now.value !== old.value)
      throw badRequest(
        'Permission (scope or role) cannot be deleted or updated unless disabled first.',
        'CannotDeleteOrUpdateEnabledEntitlement',
      );
  }
}

function typeOf(app: GraphApplication): ApplicationType {
  if (app.publicClient.redirectUris.length > 0 || app.isFallbackPublicClient === true)
    return ApplicationType.Public;
  const hasCredential = app.passwordCredentials.length > 0 || app.keyCredentials.length > 0;
  if (app.spa.redirectUris.length > 0 && app.web.redirectUris.length === 0 && !hasCredential)
    return ApplicationType.Spa;
  return ApplicationType.Confidential;
}

const MODELLED_CLAIMS = new Set(['idtyp', 'xms_cc', 'acct', 'ctry', 'upn', 'email', 'aud']);

function optionalClaimsOf(claims: GraphOptionalClaims | null): ApplicationRegistration['optionalClaims'] {
  const convert = (list: GraphOptionalClaims['accessToken'] = []) =>
    list
      .filter((c) => MODELLED_CLAIMS.has(c.name))
      .map((c) => ({
        name: c.name as ApplicationRegistration['optionalClaims']['accessToken'][number]['name'],
        additionalProperties: c.additionalProperties.filter(
          (p): p is 'include_user_token' | 'use_guid' => p === 'include_user_token' || p === 'use_guid',
        ),
      }));
  return { accessToken: convert(claims?.accessToken), idToken: convert(claims?.idToken) };
}

function emptyApplication(displayName: string, now: string): GraphApplication {
  return {
    id: randomUUID(),
    appId: randomUUID(),
    displayName,
    createdDateTime: now,
    tags: [],
    signInAudience: 'AzureADMyOrg',
    identifierUris: [],
    isFallbackPublicClient: null,
    api: { requestedAccessTokenVersion: null, oauth2PermissionScopes: [] },
    appRoles: [],
    requiredResourceAccess: [],
    spa: { redirectUris: [] },
    web: { redirectUris: [] },
    publicClient: { redirectUris: [] },
    optionalClaims: null,
    passwordCredentials: [],
    keyCredentials: [],
  };
}

function keyCredentialOf(
  k: NonNullable<ApplicationBody['keyCredentials']>[number],
): GraphApplication['keyCredentials'][number] {
  const cert = certificateOf(k.key);
  const thumbprint = createHash('sha1').update(cert.raw).digest('base64');
  return {
    keyId: (k.keyId ?? guidFrom(`key:${thumbprint}`)).toLowerCase(),
    type: k.type,
    usage: k.usage,
    displayName: k.displayName ?? null,
    customKeyIdentifier: k.customKeyIdentifier ?? thumbprint,
    startDateTime: k.startDateTime ?? new Date(cert.validFrom).toISOString(),
    endDateTime: k.endDateTime ?? new Date(cert.validTo).toISOString(),
    key: null,
  };
}

/** The Graph application object of a registration from the file (ids derived, stable across restarts). */
function applicationOf(seed: ApplicationRegistration, now: string): GraphApplication {
  const appId = seed.clientId.toLowerCase();
  const redirects = (type: ApplicationType) => ({
    redirectUris: seed.type === type ? seed.redirectUris : [],
  });
  return {
    ...emptyApplication(seed.displayName, now),
    id: guidFrom(`application:${appId}`),
    appId,
    tags: [`${NAME_TAG_PREFIX}${seed.name}`],
    signInAudience: seed.signInAudience,
    identifierUris: seed.identifierUris,
    isFallbackPublicClient: seed.type === ApplicationType.Public ? true : null,
    api: {
      requestedAccessTokenVersion: seed.accessTokenAcceptedVersion,
      oauth2PermissionScopes: seed.scopes.map((value) => ({
        id: guidFrom(`${appId}:scope:${value}`),
        value,
        type: 'User',
        isEnabled: true,
        adminConsentDisplayName: value,
        adminConsentDescription: value,
        userConsentDisplayName: null,
        userConsentDescription: null,
      })),
    },
    appRoles: seed.appRoles.map((r) => ({
      id: guidFrom(`${appId}:role:${r.value}`),
      value: r.value,
      allowedMemberTypes: [...r.allowedMemberTypes],
      displayName: r.value,
      description: r.value,
      isEnabled: true,
    })),
    requiredResourceAccess: [],
    spa: redirects(ApplicationType.Spa),
    web: redirects(ApplicationType.Confidential),
    publicClient: redirects(ApplicationType.Public),
    optionalClaims: {
      accessToken: seed.optionalClaims.accessToken.map((c) => ({ ...c, source: null, essential: false })),
      idToken: seed.optionalClaims.idToken.map((c) => ({ ...c, source: null, essential: false })),
      saml2Token: [],
    },
    passwordCredentials: seed.secrets.map((s, i) => ({
      keyId: guidFrom(`${seed.clientId}:secret:${i}`),
      displayName: null,
      hint: s.value.slice(0, 3),
      startDateTime: now,
      endDateTime: s.expiresAt ?? '2299-12-31T00:00:00Z',
      customKeyIdentifier: null,
      secretText: null,
    })),
  };
}

function servicePrincipalOf(
  app: GraphApplication,
  id: string,
  tenantId: string,
  tags: string[],
): GraphServicePrincipal {
  return {
    id,
    appId: app.appId,
    displayName: app.displayName,
    tags,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: tenantId,
  };
}
