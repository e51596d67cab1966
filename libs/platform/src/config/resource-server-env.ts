import { z } from 'zod';

import { commaList, httpUrl, integerString, nonEmptyCommaList } from './env-fields';

const TENANT_TEMPLATE = '{tenantid}';

/**
 * Variables of an API that validates incoming Entra tokens (`AUTH_*`, CONTRACTS.md "App env").
 * Spread into an app's schema; add {@link refineResourceServerEnv} for the cross-field rules.
 */
export const resourceServerEnvShape = {
  AUTH_ISSUERS: nonEmptyCommaList().describe(
    'comma list of accepted issuers, e.g. https://localhost:8443/<tenant-id>/v2.0 (or a {tenantid} template)',
  ),
  AUTH_JWKS_URI: httpUrl().describe(
    'the signing-keys address, e.g. https://localhost:8443/<tenant-id>/discovery/v2.0/keys',
  ),
  AUTH_AUDIENCES: nonEmptyCommaList().describe(
    'comma list of accepted audiences: the API client id and its App ID URI',
  ),
  AUTH_ALLOWED_TENANTS: commaList()
    .optional()
    .describe('comma list of tenant ids; required when an issuer uses the {tenantid} template'),
  AUTH_CLOCK_TOLERANCE_SECONDS: integerString(0, 300)
    .optional()
    .describe('seconds of clock skew accepted on exp/nbf (0-300, default 60)'),
  AUTH_AUTHORITY: httpUrl()
    .optional()
    .describe(
      'the authority for OpenAPI and claims challenges, e.g. https://localhost:8443/<tenant-id> (default: derived from the first issuer)',
    ),
};

/** The parsed `AUTH_*` variables. */
export interface ResourceServerEnv {
  readonly AUTH_ISSUERS: string[];
  readonly AUTH_JWKS_URI: string;
  readonly AUTH_AUDIENCES: string[];
  readonly AUTH_ALLOWED_TENANTS?: string[] | undefined;
  readonly AUTH_CLOCK_TOLERANCE_SECONDS?: number | undefined;
  readonly AUTH_AUTHORITY?: string | undefined;
}

/** Cross-field rule: a `{tenantid}` issuer template needs an explicit tenant allow-list. */
export function refineResourceServerEnv(env: ResourceServerEnv, ctx: z.RefinementCtx): void {
  const templated = env.AUTH_ISSUERS.some((issuer) => issuer.includes(TENANT_TEMPLATE));
  if (templated && (env.AUTH_ALLOWED_TENANTS ?? []).length === 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AUTH_ALLOWED_TENANTS'],
      message: 'is required because AUTH_ISSUERS contains a {tenantid} template',
    });
  }
}

/** The options `AuthModule.forRoot()` takes, as read from the environment. */
export interface ResourceServerAuthOptions {
  issuers: string[];
  jwksUri: string;
  audiences: string[];
  allowedTenants?: string[];
  clockToleranceSeconds?: number;
}

/** Maps the `AUTH_*` variables onto `AuthModule.forRoot()` options. */
export function authOptionsFromEnv(env: ResourceServerEnv): ResourceServerAuthOptions {
  return {
    issuers: env.AUTH_ISSUERS,
    jwksUri: env.AUTH_JWKS_URI,
    audiences: env.AUTH_AUDIENCES,
    ...(env.AUTH_ALLOWED_TENANTS?.length ? { allowedTenants: env.AUTH_ALLOWED_TENANTS } : {}),
    ...(env.AUTH_CLOCK_TOLERANCE_SECONDS === undefined
      ? {}
      : { clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS }),
  };
}

/**
 * The authority (`https://host/<tenant>`) used for OpenAPI's OAuth2 URLs and for the
 * `authorization_uri` of a claims challenge: `AUTH_AUTHORITY`, else the first issuer without
 * its `/v2.0` suffix (the Entra v2 issuer is `<authority>/v2.0`, ENTRA.md §5).
 */
export function authorityFromEnv(env: ResourceServerEnv): string {
  const explicit = env.AUTH_AUTHORITY;
  const base = explicit ?? (env.AUTH_ISSUERS[0] ?? '').replace(/\/v2\.0\/?$/, '');
  return base.replace(/\/+$/, '').replace(TENANT_TEMPLATE, 'organizations');
}
