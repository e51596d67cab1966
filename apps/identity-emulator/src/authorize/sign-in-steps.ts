import { timingSafeEqual } from 'node:crypto';

import type { UserRegistration } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { parseScopes } from '../oauth/scopes';
import { needsMfa, parseClaimsRequest } from '../oauth/step-up';
import { type TenantView, userFlow } from '../tenant/directory';
import type { UserSubject } from '../tokens/token-factory';
import { identityProviderPage, signInPage } from './login-page';
import type { AuthorizeParams } from './login-transactions';

/** What the credentials page of a sign-in in progress shows. */
export interface CredentialsView {
  readonly tx: string;
  readonly params: AuthorizeParams;
  /** The social identity provider whose (emulated) page this is; absent for the tenant's own form. */
  readonly idp?: string;
  readonly loginHint?: string;
  readonly error?: string;
}

/**
 * The page that asks for credentials: the tenant's sign-in form (on a B2C tenant with its social identity
 * providers as links back to this path with `tx` and `idp`), or the stand-in page of one identity provider.
 */
export function credentialsPage(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
  view: CredentialsView,
): string {
  const loginHint = view.loginHint ?? view.params.loginHint;
  if (view.idp !== undefined)
    return identityProviderPage({
      action: req.path,
      tx: view.tx,
      idp: view.idp,
      loginHint,
      error: view.error,
    });
  const identityProviders = tenant.isB2c
    ? tenant.reg.identityProviders.map((name) => ({
        name,
        href: `${req.path}?${new URLSearchParams({ tx: view.tx, idp: name }).toString()}`,
      }))
    : [];
  return signInPage({
    action: req.path,
    tx: view.tx,
    appName: ctx.directory.app(view.params.clientId)?.reg.displayName ?? '',
    loginHint,
    error: view.error,
    identityProviders,
  });
}

/**
 * The user whose credentials were posted, or undefined. A local account signs in only on the tenant's own
 * form; a social account (B2C `identityProvider`) only on its identity provider's page.
 */
export function signedInUser(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): UserRegistration | undefined {
  const user = ctx.directory.userIn(tenant, req.form.get('username') ?? '');
  if (user === undefined) return undefined;
  if ((user.identityProvider ?? null) !== req.form.get('idp')) return undefined;
  return sameText(user.password, req.form.get('password') ?? '') ? user : undefined;
}

/**
 * The AADSTS/AADB2C text a credentials page shows after a refused sign-in: wrong credentials, or (Entra) the
 * right ones of a user of another tenant, who is no member here (AADSTS50020, Entra's text in public reports).
 */
export function refusedSignIn(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
  clientId: string,
): string {
  const idp = req.form.get('idp');
  if (idp !== null) return `${idp}: wrong e-mail address or password (emulated identity provider).`;
  if (tenant.isB2c) return 'AADB2C90054: Invalid username or password.';
  const elsewhere = ctx.directory.user(req.form.get('username') ?? '');
  if (elsewhere !== undefined && sameText(elsewhere.password, req.form.get('password') ?? '')) {
    const home = ctx.directory.homeTenant(elsewhere);
    const app = ctx.directory.app(clientId);
    return `AADSTS50020: User account '${elsewhere.username}' from identity provider 'https://sts.windows.net/${home.id}/' does not exist in tenant '${tenant.reg.name}' and cannot access the application '${clientId}'(${app?.reg.displayName ?? ''}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`;
  }
  return 'AADSTS50126: Error validating credentials due to invalid username or password.';
}

/** The tenant a signed-in user's tokens belong to: the authority's, or at `/organizations` the user's own. */
export function signInTenant(tenant: TenantView, user: UserRegistration, ctx: EmulatorContext): TenantView {
  return tenant.authority === undefined ? tenant : ctx.directory.homeTenant(user);
}

/**
 * Whether this sign-in needs a second factor. B2C: exactly when its user flow enforces MFA. Entra and
 * External ID: when the claims ask for it, the resource requires it, or one of the user's roles does.
 */
export function needsSecondFactor(
  tenant: TenantView,
  policy: string | undefined,
  params: AuthorizeParams,
  user: UserRegistration,
  ctx: EmulatorContext,
): boolean {
  if (tenant.isB2c) return userFlow(tenant, policy)?.mfa === true;
  const scopes = parseScopes(params.scope, ctx.directory, signInTenant(tenant, user, ctx));
  return needsMfa(parseClaimsRequest(params.claims), scopes.resource, user);
}

/**
 * The signed-in user as tokens describe them. After a second factor: `amr` mfa, and auth context `c1`
 * (not in B2C, which has no auth contexts). B2C user-flow claims: `idp` for a social account (a local
 * account has none: an unverified point, docs/emulator.md) and `extension_<Name>` per custom attribute.
 */
export function subjectOf(user: UserRegistration, mfa: boolean, tenant: TenantView): UserSubject {
  const subject: UserSubject = {
    oid: user.oid.toLowerCase(),
    name: user.displayName,
    username: user.username,
    amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    acrs: mfa && !tenant.isB2c ? ['c1'] : [],
    ...(user.country === undefined ? {} : { country: user.country }),
  };
  if (!tenant.isB2c) return subject;
  const claims: Record<string, string> = {};
  if (user.identityProvider !== undefined) claims['idp'] = user.identityProvider;
  for (const [name, value] of Object.entries(user.customAttributes)) claims[`extension_${name}`] = value;
  return { ...subject, userFlowClaims: claims };
}

/** Constant-time comparison of a secret the user typed. */
export function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
