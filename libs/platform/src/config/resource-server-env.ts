import { z } from 'zod';

import { commaList, httpUrl, integerString, nonEmptyCommaList } from './env-fields';

const TENANT_TEMPLATE = '{tenantid}';
const NAME = /^[^\s/]+$/;

/** One application trusted to convey users by verified delegation (an entry of `AUTH_DELEGATION_CALLERS`). */
export interface DelegationCallerEnv {
  readonly clientId: string;
  readonly jwksUri: string;
  readonly scopes: string[];
}

const delegationCallerSchema = z
  .object({
    clientId: z.string().min(1, 'must be the client id of the calling application'),
    jwksUri: httpUrl(),
    scopes: z
      .union([z.array(z.string()), z.string().transform((v) => v.split(/\s+/).filter(Boolean))])
      .pipe(
        z
          .array(z.string().regex(NAME, 'must be scope names such as Program.Read (no resource, no spaces)'))
          .min(1, 'must list at least one scope name'),
      ),
  })
  .strict();

/**
 * `AUTH_DELEGATION_CALLERS`: a JSON array of `{ "clientId", "jwksUri", "scopes" }` (scopes an array of names,
 * or one space-separated string); every problem is reported with the entry and field it concerns.
 */
function delegationCallersField(): z.ZodType<DelegationCallerEnv[], z.ZodTypeDef, string> {
  return z.string().transform((value, ctx): DelegationCallerEnv[] => {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not JSON: write a JSON array of callers' });
      return z.NEVER;
    }
    const result = z.array(delegationCallerSchema).min(1, 'must list at least one caller').safeParse(json);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const [index, field] = issue.path;
      const where =
        typeof index === 'number' ? `entry ${index + 1}${field ? ` ${String(field)}` : ''}: ` : '';
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${where}${issue.message}` });
    }
    return z.NEVER;
  });
}

/**
 * Variables of an API that validates incoming Entra / External ID / B2C tokens (`AUTH_*`, docs/auth.md).
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
  AUTH_ROLE_CLAIMS: commaList()
    .optional()
    .describe('comma list of extra claims read as roles, e.g. extension_Roles (B2C custom attributes)'),
  AUTH_APP_PERMISSIONS: commaList()
    .optional()
    .describe(
      'comma list of application permissions that B2C puts in scp of client-credentials tokens, e.g. Pricing.Read.All',
    ),
  AUTH_MFA_POLICIES: commaList()
    .optional()
    .describe('comma list of B2C policies (user flows) that enforce MFA, e.g. B2C_1_mfa'),
  AUTH_DELEGATION_CALLERS: delegationCallersField()
    .optional()
    .describe(
      'a JSON array of the applications allowed to convey users by verified delegation, e.g. [{"clientId":"<caller client id>","jwksUri":"http://127.0.0.1:3000/.well-known/delegation-jwks.json","scopes":["Program.ReadWrite"]}]',
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
  readonly AUTH_ROLE_CLAIMS?: string[] | undefined;
  readonly AUTH_APP_PERMISSIONS?: string[] | undefined;
  readonly AUTH_MFA_POLICIES?: string[] | undefined;
  readonly AUTH_DELEGATION_CALLERS?: DelegationCallerEnv[] | undefined;
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
  roleClaims?: string[];
  applicationPermissions?: string[];
  mfaPolicies?: string[];
  delegation?: { callers: DelegationCallerEnv[] };
}

/** Maps the `AUTH_*` variables onto `AuthModule.forRoot()` options (an empty list counts as unset). */
export function authOptionsFromEnv(env: ResourceServerEnv): ResourceServerAuthOptions {
  return {
    issuers: env.AUTH_ISSUERS,
    jwksUri: env.AUTH_JWKS_URI,
    audiences: env.AUTH_AUDIENCES,
    ...(env.AUTH_ALLOWED_TENANTS?.length ? { allowedTenants: env.AUTH_ALLOWED_TENANTS } : {}),
    ...(env.AUTH_CLOCK_TOLERANCE_SECONDS === undefined
      ? {}
      : { clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS }),
    ...(env.AUTH_ROLE_CLAIMS?.length ? { roleClaims: env.AUTH_ROLE_CLAIMS } : {}),
    ...(env.AUTH_APP_PERMISSIONS?.length ? { applicationPermissions: env.AUTH_APP_PERMISSIONS } : {}),
    ...(env.AUTH_MFA_POLICIES?.length ? { mfaPolicies: env.AUTH_MFA_POLICIES } : {}),
    ...(env.AUTH_DELEGATION_CALLERS?.length ? { delegation: { callers: env.AUTH_DELEGATION_CALLERS } } : {}),
  };
}

/**
 * The authority (`https://host/<tenant>`) used for OpenAPI's OAuth2 URLs and for the
 * `authorization_uri` of a claims challenge: `AUTH_AUTHORITY`, else the first issuer without
 * its `/v2.0` suffix (the Entra v2 issuer is `<authority>/v2.0`, docs/entra-protocol.md#issuers).
 */
export function authorityFromEnv(env: ResourceServerEnv): string {
  const explicit = env.AUTH_AUTHORITY;
  const base = explicit ?? (env.AUTH_ISSUERS[0] ?? '').replace(/\/v2\.0\/?$/, '');
  return base.replace(/\/+$/, '').replace(TENANT_TEMPLATE, 'organizations');
}
