import { IdentityMode } from '@chain/local-tenant';

/** The `WEB_*` variables that describe a real tenant's SPA registration (see web.config.ts). */
export interface RealTenantEnv {
  readonly IDENTITY_MODE: IdentityMode;
  readonly WEB_AUTHORITY?: string;
  readonly WEB_STEP_UP_AUTHORITY?: string;
  readonly WEB_KNOWN_AUTHORITIES?: readonly string[];
}

/** One bad variable and what is wrong with it (the message names the fix). */
export interface EnvIssue {
  readonly variable: keyof RealTenantEnv;
  readonly message: string;
}

const B2C_HOST = /\.b2clogin\.com$/i;
const CIAM_HOST = /\.ciamlogin\.com$/i;
const WORKFORCE_HOSTS =
  /^login\.(microsoftonline\.(com|us)|partner\.microsoftonline\.cn|chinacloudapi\.cn)$/i;

/**
 * Checks that the real tenant's authorities have the shape of the identity mode, so that a B2C authority
 * given in Entra mode (or the reverse) refuses to start instead of failing at the first sign-in:
 * - entra: `https://login.microsoftonline.com/<tenant>`; no step-up user flow (Entra answers the claims
 *   challenge itself).
 * - external-id: `https://<subdomain>.ciamlogin.com/` (Microsoft: always the ciamlogin host), or a custom
 *   URL domain listed in `WEB_KNOWN_AUTHORITIES`.
 * - b2c: `https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<user flow>` (MSAL does not support the
 *   `?p=<policy>` form), plus the user flow that enforces MFA in `WEB_STEP_UP_AUTHORITY`.
 */
export function realTenantIssues(env: RealTenantEnv): EnvIssue[] {
  if (env.WEB_AUTHORITY === undefined) return [];
  const authority = new URL(env.WEB_AUTHORITY);
  switch (env.IDENTITY_MODE) {
    case IdentityMode.Entra:
      return [...notOtherKind(authority, env.IDENTITY_MODE), ...noStepUpFlow(env)];
    case IdentityMode.ExternalId:
      return [...externalIdAuthorityIssues(authority, env), ...noStepUpFlow(env)];
    case IdentityMode.B2c:
      return [...b2cAuthorityIssues(authority, 'WEB_AUTHORITY'), ...b2cStepUpIssues(authority, env)];
    default: // an invalid mode, reported by its own variable
      return [];
  }
}

function notOtherKind(authority: URL, mode: IdentityMode): EnvIssue[] {
  const other = B2C_HOST.test(authority.hostname)
    ? IdentityMode.B2c
    : CIAM_HOST.test(authority.hostname)
      ? IdentityMode.ExternalId
      : undefined;
  if (other === undefined) return [];
  return [
    {
      variable: 'WEB_AUTHORITY',
      message: `${authority.host} is an authority of ${other}, but IDENTITY_MODE is ${mode}: set IDENTITY_MODE=${other} or give the ${mode} tenant's authority`,
    },
  ];
}

function noStepUpFlow(env: RealTenantEnv): EnvIssue[] {
  if (env.WEB_STEP_UP_AUTHORITY === undefined) return [];
  return [
    {
      variable: 'WEB_STEP_UP_AUTHORITY',
      message: `only a B2C tenant steps up through a second user flow (IDENTITY_MODE is ${env.IDENTITY_MODE}: the SPA answers the claims challenge at WEB_AUTHORITY); remove it or set IDENTITY_MODE=b2c`,
    },
  ];
}

function externalIdAuthorityIssues(authority: URL, env: RealTenantEnv): EnvIssue[] {
  if (B2C_HOST.test(authority.hostname)) return notOtherKind(authority, IdentityMode.ExternalId);
  if (CIAM_HOST.test(authority.hostname)) return [];
  if (env.WEB_KNOWN_AUTHORITIES?.includes(authority.host) === true) return []; // a custom URL domain
  return [
    {
      variable: 'WEB_AUTHORITY',
      message: `an External ID authority is https://<subdomain>.ciamlogin.com/ (got ${authority.host}); for a custom URL domain, also list ${authority.host} in WEB_KNOWN_AUTHORITIES`,
    },
  ];
}

/** `https://<host>/<tenant>/<user flow>`: exactly two path segments and no query. */
function b2cAuthorityIssues(authority: URL, variable: 'WEB_AUTHORITY' | 'WEB_STEP_UP_AUTHORITY'): EnvIssue[] {
  const segments = authority.pathname.split('/').filter((s) => s !== '');
  if (CIAM_HOST.test(authority.hostname) || WORKFORCE_HOSTS.test(authority.hostname))
    return [
      {
        variable,
        message: `${authority.host} is not a B2C host, but IDENTITY_MODE is b2c: give https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<user flow>, or set IDENTITY_MODE to the tenant's kind`,
      },
    ];
  if (segments.length === 2 && authority.search === '') return [];
  return [
    {
      variable,
      message: `a B2C authority is https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<user flow> (the user flow in the path; MSAL does not support ?p=<policy>)`,
    },
  ];
}

function b2cStepUpIssues(authority: URL, env: RealTenantEnv): EnvIssue[] {
  if (env.WEB_STEP_UP_AUTHORITY === undefined)
    return [
      {
        variable: 'WEB_STEP_UP_AUTHORITY',
        message:
          'is required with IDENTITY_MODE=b2c: the authority of the user flow that enforces MFA, https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<MFA user flow>',
      },
    ];
  const stepUp = new URL(env.WEB_STEP_UP_AUTHORITY);
  const shape = b2cAuthorityIssues(stepUp, 'WEB_STEP_UP_AUTHORITY');
  if (shape.length > 0) return shape;
  const tenantOf = (url: URL) =>
    url.pathname
      .split('/')
      .filter((s) => s !== '')[0]
      ?.toLowerCase();
  if (stepUp.origin === authority.origin && tenantOf(stepUp) === tenantOf(authority)) return [];
  return [
    {
      variable: 'WEB_STEP_UP_AUTHORITY',
      message: `must be a user flow of the same tenant as WEB_AUTHORITY (${authority.origin}/${tenantOf(authority) ?? ''}/<MFA user flow>)`,
    },
  ];
}
