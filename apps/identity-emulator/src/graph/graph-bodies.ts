import { z } from 'zod';

/**
 * Request bodies of the Graph calls the emulator accepts, as Microsoft Graph v1.0 documents them; an
 * unknown property is refused (Graph answers 400 for a property the type does not have).
 */

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const permissionScopeBody = z
  .object({
    id: guid,
    value: z.string().min(1),
    type: z.enum(['User', 'Admin']).default('User'),
    isEnabled: z.boolean().default(true),
    adminConsentDisplayName: z.string().nullable().default(null),
    adminConsentDescription: z.string().nullable().default(null),
    userConsentDisplayName: z.string().nullable().default(null),
    userConsentDescription: z.string().nullable().default(null),
  })
  .strict();

const appRoleBody = z
  .object({
    id: guid,
    value: z.string().min(1),
    allowedMemberTypes: z.array(z.enum(['User', 'Application'])).min(1),
    displayName: z.string().nullable().default(null),
    description: z.string().nullable().default(null),
    isEnabled: z.boolean().default(true),
  })
  .strict();

const optionalClaimBody = z
  .object({
    name: z.string().min(1),
    source: z.string().nullable().default(null),
    essential: z.boolean().default(false),
    additionalProperties: z.array(z.string()).default([]),
  })
  .strict();

const redirects = z.object({ redirectUris: z.array(z.string().url()).default([]) }).strict();

const keyCredentialBody = z
  .object({
    type: z.literal('AsymmetricX509Cert'),
    usage: z.literal('Verify'),
    /** The DER certificate, base64. */
    key: z.string().min(1),
    displayName: z.string().nullable().optional(),
    customKeyIdentifier: z.string().nullable().optional(),
    keyId: guid.optional(),
    startDateTime: z.string().datetime({ offset: true }).optional(),
    endDateTime: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

/** `POST /applications` and `PATCH /applications/{id}` (every property optional on PATCH). */
export const applicationBody = z
  .object({
    displayName: z.string().min(1),
    tags: z.array(z.string().min(1)),
    signInAudience: z.enum([
      'AzureADMyOrg',
      'AzureADMultipleOrgs',
      'AzureADandPersonalMicrosoftAccount',
      'PersonalMicrosoftAccount',
    ]),
    identifierUris: z.array(z.string().min(1)),
    isFallbackPublicClient: z.boolean().nullable(),
    api: z
      .object({
        requestedAccessTokenVersion: z.union([z.literal(1), z.literal(2), z.null()]).optional(),
        oauth2PermissionScopes: z.array(permissionScopeBody).optional(),
      })
      .strict(),
    appRoles: z.array(appRoleBody),
    requiredResourceAccess: z.array(
      z
        .object({
          resourceAppId: guid,
          resourceAccess: z.array(z.object({ id: guid, type: z.enum(['Scope', 'Role']) }).strict()),
        })
        .strict(),
    ),
    spa: redirects,
    web: redirects,
    publicClient: redirects,
    optionalClaims: z
      .object({
        accessToken: z.array(optionalClaimBody).default([]),
        idToken: z.array(optionalClaimBody).default([]),
        saml2Token: z.array(optionalClaimBody).default([]),
      })
      .strict()
      .nullable(),
    keyCredentials: z.array(keyCredentialBody),
  })
  .strict()
  .partial();
export type ApplicationBody = z.infer<typeof applicationBody>;

/** `POST /applications/{id}/addPassword`. */
export const addPasswordBody = z
  .object({
    passwordCredential: z
      .object({
        displayName: z.string().nullable().optional(),
        endDateTime: z.string().datetime({ offset: true }).optional(),
        startDateTime: z.string().datetime({ offset: true }).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type AddPasswordInput = z.infer<typeof addPasswordBody>['passwordCredential'];

/** `POST /servicePrincipals`. */
export const servicePrincipalBody = z
  .object({ appId: guid, tags: z.array(z.string()).optional(), accountEnabled: z.boolean().optional() })
  .strict();

/** `POST /oauth2PermissionGrants`. */
export const permissionGrantBody = z
  .object({
    clientId: guid,
    consentType: z.enum(['AllPrincipals', 'Principal']),
    principalId: guid.nullable().optional(),
    resourceId: guid,
    scope: z.string(),
  })
  .strict();

/** `PATCH /oauth2PermissionGrants/{id}`. */
export const permissionGrantPatch = z.object({ scope: z.string() }).strict();

/** `POST /servicePrincipals/{id}/appRoleAssignedTo`. */
export const appRoleAssignmentBody = z
  .object({ principalId: guid, resourceId: guid, appRoleId: guid })
  .strict();

/**
 * `POST /applications/{id}/federatedIdentityCredentials` (Microsoft Learn, "Create
 * federatedIdentityCredential"): `name` (unique per application, at most 120 characters), `issuer`, `subject`
 * and `audiences` are required; Entra takes exactly one audience.
 */
export const federatedCredentialBody = z
  .object({
    name: z.string().min(1).max(120),
    issuer: z.string().url(),
    subject: z.string().min(1),
    audiences: z.array(z.string().min(1)).length(1),
    description: z.string().nullable().optional(),
  })
  .strict();
export type FederatedCredentialInput = z.infer<typeof federatedCredentialBody>;

/** `PATCH /applications/{id}/federatedIdentityCredentials/{id}`: the name cannot change. */
export const federatedCredentialPatchBody = federatedCredentialBody.omit({ name: true }).partial().strict();
export type FederatedCredentialPatch = z.infer<typeof federatedCredentialPatchBody>;
