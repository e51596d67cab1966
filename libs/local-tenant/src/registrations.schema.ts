import { z } from 'zod';

/**
 * Schema of `registrations.yaml`: the tenants, app registrations and users of the local tenant.
 * Field names follow the Entra application manifest where one exists (`identifierUris`,
 * `requiredResourceAccess`, `appRoles`, `allowedMemberTypes`, `accessTokenAcceptedVersion`).
 */

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/** Kinds of tenant: an Entra ID workforce tenant or an Azure AD B2C tenant. */
export const TenantKind = { Entra: 'entra', B2c: 'b2c' } as const;
export type TenantKind = (typeof TenantKind)[keyof typeof TenantKind];

/** Kinds of application: a public SPA client (PKCE) or a confidential client (secret / certificate). */
export const ApplicationType = { Spa: 'spa', Confidential: 'confidential' } as const;
export type ApplicationType = (typeof ApplicationType)[keyof typeof ApplicationType];

export const tenantSchema = z
  .object({
    name: z.string().min(1),
    id: guid,
    domain: z.string().min(3),
    kind: z.enum([TenantKind.Entra, TenantKind.B2c]).default(TenantKind.Entra),
    /** B2C only: the user-flow / policy names served under `/{domain}/{policy}/...`. */
    policies: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const secretSchema = z
  .object({
    value: z.string().min(16, 'a client secret needs at least 16 characters'),
    /** ISO date after which the secret is refused (AADSTS7000222). */
    expiresAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * A certificate credential: the public certificate (PEM) inline or in a file (relative to the YAML).
 * Only the public part is ever registered, as in Entra's "Certificates & secrets".
 */
export const certificateSchema = z
  .object({ pem: z.string().optional(), path: z.string().optional() })
  .strict()
  .refine((c) => (c.pem === undefined) !== (c.path === undefined), 'give exactly one of `pem` or `path`');

export const appRoleSchema = z
  .object({
    value: z.string().min(1),
    allowedMemberTypes: z.array(z.enum(['User', 'Application'])).min(1),
    /** Tokens carrying this role need a multi-factor sign-in (step-up, auth context c1). */
    requireMfa: z.boolean().default(false),
  })
  .strict();

export const resourceAccessSchema = z
  .object({
    /** Name of the resource application in this file. */
    resource: z.string().min(1),
    delegated: z.array(z.string().min(1)).default([]),
    application: z.array(z.string().min(1)).default([]),
    /** Admin consent granted (false = requested only: token requests fail with AADSTS65001). */
    consented: z.boolean().default(true),
  })
  .strict();

export const applicationSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
    displayName: z.string().min(1),
    clientId: guid,
    /** Tenant name; defaults to the first tenant. */
    tenant: z.string().optional(),
    /** Object id of the service principal (`oid` of app-only tokens); derived from clientId if absent. */
    servicePrincipalId: guid.optional(),
    type: z.enum([ApplicationType.Spa, ApplicationType.Confidential]),
    redirectUris: z.array(z.string().url()).default([]),
    postLogoutRedirectUris: z.array(z.string().url()).default([]),
    secrets: z.array(secretSchema).default([]),
    certificates: z.array(certificateSchema).default([]),
    identifierUris: z.array(z.string().min(1)).default([]),
    accessTokenAcceptedVersion: z.literal(2).default(2),
    scopes: z.array(z.string().min(1)).default([]),
    appRoles: z.array(appRoleSchema).default([]),
    /** Every token for this resource needs a multi-factor sign-in (a Conditional Access policy). */
    requireMfa: z.boolean().default(false),
    requiredResourceAccess: z.array(resourceAccessSchema).default([]),
  })
  .strict();

export const userSchema = z
  .object({
    username: z.string().email(),
    displayName: z.string().min(1),
    oid: guid,
    tenant: z.string().optional(),
    password: z.string().min(1),
    attributes: z.record(z.string(), z.string()).default({}),
    appRoleAssignments: z.array(z.object({ resource: z.string(), role: z.string() }).strict()).default([]),
    mfa: z
      .object({ enrolled: z.boolean(), code: z.string().regex(/^\d{6}$/, 'must be six digits') })
      .strict()
      .optional(),
  })
  .strict();

export const registrationsSchema = z
  .object({
    tenants: z.array(tenantSchema).min(1),
    applications: z.array(applicationSchema).default([]),
    users: z.array(userSchema).default([]),
  })
  .strict();

export type TenantRegistration = z.infer<typeof tenantSchema>;
export type ApplicationRegistration = z.infer<typeof applicationSchema>;
export type AppRoleRegistration = z.infer<typeof appRoleSchema>;
export type ResourceAccess = z.infer<typeof resourceAccessSchema>;
export type CertificateRegistration = z.infer<typeof certificateSchema>;
export type UserRegistration = z.infer<typeof userSchema>;
export type Registrations = z.infer<typeof registrationsSchema>;
