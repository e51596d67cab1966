import type { ApplicationRegistration, Registrations } from '@chain/local-tenant';

import {
  appIdUriOf,
  applicationOfResource,
  type AppUnderTest,
  type ChainUnderTest,
  type DeclaredDownstream,
  downstreamsOf,
  nameOfScope,
  registrationOf,
  resourceOfScope,
  resourceServerOf,
} from '../chain-under-test';
import { CheckName, fail, type Finding, pass, skip, warn } from '../findings';

/** What doctor would need to read a real tenant's registrations instead of the local file. */
export const GRAPH_PERMISSION =
  'needs the tenant registrations: give --registrations, or read them through Microsoft Graph with Application.Read.All (scopes, app roles) and DelegatedPermissionGrant.Read.All + AppRoleAssignment.ReadWrite.All read access (consents, grants)';

const FLOWS = ['on-behalf-of', 'client-credentials', 'verified-delegation'];

/** Delegated and application permissions a client holds on one resource, each with its admin consent. */
export interface Grant {
  readonly delegated: ReadonlyMap<string, boolean>;
  readonly application: ReadonlyMap<string, boolean>;
}

export function grantOf(client: ApplicationRegistration | undefined, resource: string): Grant {
  const delegated = new Map<string, boolean>();
  const application = new Map<string, boolean>();
  for (const access of client?.requiredResourceAccess ?? []) {
    if (access.resource !== resource) continue;
    for (const s of access.delegated) delegated.set(s, (delegated.get(s) ?? false) || access.consented);
    for (const r of access.application) application.set(r, (application.get(r) ?? false) || access.consented);
  }
  return { delegated, application };
}

/** Each API's accepted audiences against what its tokens carry: v2 access tokens always name the client id. */
export function checkAudience(app: AppUnderTest, chain: ChainUnderTest): Finding[] {
  const rs = resourceServerOf(app);
  if (rs === undefined) return [];
  const where = { app: app.name, subject: 'AUTH_AUDIENCES' };
  if (chain.registrations === undefined)
    return [
      skip(
        CheckName.Audience,
        where,
        `the client id of ${app.name} ${GRAPH_PERMISSION}; the client-credentials tokens below check the audience of the APIs they reach`,
      ),
    ];
  const reg = registrationOf(chain.registrations, app.name);
  if (reg === undefined)
    return [
      fail(
        CheckName.Audience,
        where,
        `the registrations have no application ${app.name}`,
        `register ${app.name}`,
      ),
    ];
  const known = [reg.clientId, ...reg.identifierUris].map((a) => a.toLowerCase());
  if (!rs.audiences.some((a) => a.toLowerCase() === reg.clientId.toLowerCase()))
    return [
      fail(
        CheckName.Audience,
        where,
        `${app.name} accepts tokens of v2 (accessTokenAcceptedVersion ${reg.accessTokenAcceptedVersion}), whose aud is always its client id ${reg.clientId}, but AUTH_AUDIENCES is ${rs.audiences.join(',') || '(empty)'}: every token would be refused with 401 invalid_token.`,
        `AUTH_AUDIENCES=${[reg.clientId, ...reg.identifierUris].join(',')} for ${app.name}`,
      ),
    ];
  const strangers = rs.audiences.filter((a) => !known.includes(a.toLowerCase()));
  if (strangers.length > 0)
    return [
      warn(
        CheckName.Audience,
        where,
        `AUTH_AUDIENCES of ${app.name} also accepts ${strangers.join(', ')}, which is neither its client id nor an App ID URI of it`,
        `remove ${strangers.join(', ')} from AUTH_AUDIENCES`,
      ),
    ];
  return [
    pass(
      CheckName.Audience,
      where,
      `AUTH_AUDIENCES of ${app.name} includes its client id ${reg.clientId} (the aud of v2 tokens)`,
    ),
  ];
}

/** Every declared downstream: a known flow, `/.default` for app tokens, scopes that exist and are exposed. */
export function checkDownstreamScopes(app: AppUnderTest, chain: ChainUnderTest): Finding[] {
  return downstreamsOf(app).flatMap((d) => {
    const variable = `DOWNSTREAM_APIS__${d.name}__`;
    const where = { app: app.name, subject: d.name };
    if (!FLOWS.includes(d.flow))
      return [
        fail(
          CheckName.Scope,
          where,
          `${variable}FLOW is "${d.flow}"`,
          `${variable}FLOW=${FLOWS.join(' | ')}`,
        ),
      ];
    const findings: Finding[] = [];
    if (d.flow !== 'on-behalf-of') findings.push(defaultScopeFinding(app, d));
    if (chain.registrations === undefined)
      findings.push(
        skip(CheckName.Scope, where, `whether ${d.scopes.join(' ')} is exposed ${GRAPH_PERMISSION}`),
      );
    else findings.push(...exposedFindings(app, d, chain.registrations));
    return findings;
  });
}

function defaultScopeFinding(app: AppUnderTest, d: DeclaredDownstream): Finding {
  const where = { app: app.name, subject: d.name };
  const variable = `DOWNSTREAM_APIS__${d.name}__SCOPES`;
  const [only, ...more] = d.scopes;
  if (only !== undefined && more.length === 0 && only.endsWith('/.default'))
    return pass(
      CheckName.DefaultScope,
      where,
      `${variable} is ${only}: an app token takes <resource>/.default only`,
    );
  const resource = resourceOfScope(only ?? `api://<${d.target ?? d.name} App ID URI>/x`);
  return fail(
    CheckName.DefaultScope,
    where,
    `${variable} is "${d.scopes.join(' ')}", but a ${d.flow} downstream gets an app token (client credentials), which takes exactly one <App ID URI>/.default scope: the token service answers AADSTS1002012 (invalid_scope). The app's roles come from its granted application permissions, not from the scope.`,
    `${variable}=${resource}/.default`,
    'AADSTS1002012',
  );
}

function exposedFindings(app: AppUnderTest, d: DeclaredDownstream, reg: Registrations): Finding[] {
  const where = { app: app.name, subject: d.name };
  const variable = `DOWNSTREAM_APIS__${d.name}__SCOPES`;
  const resources = [...new Set(d.scopes.map(resourceOfScope))];
  const target = d.target === undefined ? undefined : registrationOf(reg, d.target);
  const suggestion = target === undefined ? '<App ID URI of the API>' : appIdUriOf(target);
  if (resources.length !== 1)
    return [
      fail(
        CheckName.Scope,
        where,
        `${variable} names ${resources.length} resources (${resources.join(', ')}); one token is for one resource`,
        `${variable}: scopes of ${suggestion} only`,
        'AADSTS70011',
      ),
    ];
  const resource = applicationOfResource(reg, resources[0] as string);
  if (resource === undefined)
    return [
      fail(
        CheckName.Scope,
        where,
        `${variable} asks for ${resources[0]}, which is no App ID URI or client id of any application of the tenant: the token service answers AADSTS500011 (resource principal not found).`,
        `${variable}=${d.scopes.map((s) => `${suggestion}/${nameOfScope(s)}`).join(' ')}`,
        'AADSTS500011',
      ),
    ];
  if (target !== undefined && resource.name !== target.name)
    return [
      fail(
        CheckName.Scope,
        where,
        `${variable} asks for tokens for ${resource.name}, but downstream ${d.name} is ${target.name}: it would refuse them (aud ${resource.clientId} is not its own).`,
        `${variable}=${d.scopes.map((s) => `${appIdUriOf(target)}/${nameOfScope(s)}`).join(' ')}`,
      ),
    ];
  return [exposedScopeFinding(app, d, resource)];
}

function exposedScopeFinding(
  app: AppUnderTest,
  d: DeclaredDownstream,
  resource: ApplicationRegistration,
): Finding {
  const where = { app: app.name, subject: d.name };
  const wanted =
    d.flow === 'on-behalf-of' ? d.scopes.map(nameOfScope).filter((n) => n !== '.default') : d.delegatedScopes;
  const variable =
    d.flow === 'on-behalf-of'
      ? `DOWNSTREAM_APIS__${d.name}__SCOPES`
      : `DOWNSTREAM_APIS__${d.name}__DELEGATED_SCOPES`;
  const missing = wanted.filter((n) => !resource.scopes.includes(n));
  if (missing.length === 0)
    return pass(
      CheckName.Scope,
      where,
      wanted.length === 0
        ? `${d.scopes.join(' ')} names ${resource.name}, downstream ${d.name}`
        : `${resource.name} exposes ${wanted.join(', ')}`,
    );
  const exposes = resource.scopes.length > 0 ? resource.scopes.join(', ') : 'none';
  return fail(
    CheckName.Scope,
    where,
    `${variable} asks for ${missing.join(', ')}, which ${resource.name} does not expose (it exposes: ${exposes})${d.flow === 'on-behalf-of' ? ': the on-behalf-of request fails with AADSTS70011 (invalid_scope)' : ''}.`,
    `expose ${missing.join(', ')} on ${resource.name} (registrations: its scopes; portal: Expose an API → Add a scope), or ask in ${variable} for one it exposes`,
    d.flow === 'on-behalf-of' ? 'AADSTS70011' : undefined,
  );
}

/** Client-credentials (and verified-delegation) callers: an application permission that exists, granted with admin consent. */
export function checkAppRoles(app: AppUnderTest, chain: ChainUnderTest): Finding[] {
  const appTokenDownstreams = downstreamsOf(app).filter(
    (d) => d.flow === 'client-credentials' || d.flow === 'verified-delegation',
  );
  return appTokenDownstreams.map((d) => {
    const where = { app: app.name, subject: d.name };
    if (chain.registrations === undefined)
      return skip(CheckName.AppRole, where, `the application permissions of ${app.name} ${GRAPH_PERMISSION}`);
    const target = targetOf(d, chain.registrations);
    if (target === undefined)
      return skip(CheckName.AppRole, where, `downstream ${d.name} is no application of the registrations`);
    return appRoleFinding(
      app,
      d,
      target,
      grantOf(registrationOf(chain.registrations, app.name), target.name),
    );
  });
}

/** The application a downstream reaches: the resource of its scope, else the app its name names. */
export function targetOf(d: DeclaredDownstream, reg: Registrations): ApplicationRegistration | undefined {
  const byScope =
    d.scopes[0] === undefined ? undefined : applicationOfResource(reg, resourceOfScope(d.scopes[0]));
  return byScope ?? (d.target === undefined ? undefined : registrationOf(reg, d.target));
}

function appRoleFinding(
  app: AppUnderTest,
  d: DeclaredDownstream,
  target: ApplicationRegistration,
  grant: Grant,
): Finding {
  const where = { app: app.name, subject: d.name };
  const defined = target.appRoles
    .filter((r) => r.allowedMemberTypes.includes('Application'))
    .map((r) => r.value);
  const granted = [...grant.application.keys()];
  const howToGrant = `grant ${app.name} the application permission ${defined[0] ?? '<role>'} on ${target.name} with admin consent (registrations: requiredResourceAccess of ${app.name}: resource ${target.name}, application [${defined[0] ?? '<role>'}], consented: true; portal: API permissions → Add → Application permissions → Grant admin consent)`;
  if (defined.length === 0)
    return warn(
      CheckName.AppRole,
      where,
      `${target.name} defines no application permission (app role for applications): the token of ${app.name} carries no roles`,
      `define an app role with allowedMemberTypes [Application] on ${target.name}`,
    );
  const unknown = granted.filter((r) => !defined.includes(r));
  if (unknown.length > 0)
    return fail(
      CheckName.AppRole,
      where,
      `${app.name} is granted ${unknown.join(', ')} on ${target.name}, which defines only ${defined.join(', ')}`,
      howToGrant,
    );
  if (granted.length === 0)
    return fail(
      CheckName.AppRole,
      where,
      `${app.name} holds no application permission on ${target.name}: its client-credentials token carries no roles and ${target.name} answers 403 app_role_missing.`,
      howToGrant,
    );
  const unconsented = granted.filter((r) => grant.application.get(r) !== true);
  if (unconsented.length > 0)
    return fail(
      CheckName.AppRole,
      where,
      `${app.name} requests ${unconsented.join(', ')} on ${target.name} without admin consent: the token carries no such role and ${target.name} answers 403 app_role_missing.`,
      howToGrant,
    );
  return pass(
    CheckName.AppRole,
    where,
    `${app.name} holds ${granted.join(', ')} on ${target.name} with admin consent`,
  );
}
