import { z } from 'zod';

/**
 * Schema of `registrations.yaml`: the tenants, app registrations and users of the local tenant.
 * Field names follow the Entra application manifest where one exists (`identifierUris`,
 * `requiredResourceAccess`, `appRoles`, `allowedMemberTypes`, `accessTokenAcceptedVersion`).
 */

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/**
 * Kinds of tenant, one per identity mode of the chain: an Entra ID workforce tenant, a Microsoft Entra
 * External ID (external, "CIAM") tenant, or an Azure AD B2C tenant (docs/identity-modes.md).
 */
export const TenantKind = { Entra: 'entra', ExternalId: 'external-id', B2c: 'b2c' } as const;
export type TenantKind = (typeof TenantKind)[keyof typeof TenantKind];

/**
 * Kinds of application, as Entra's platform configurations: a SPA (public client, PKCE, tokens redeemed
 * only by cross-origin requests), a "mobile and desktop" public client (no credential, PKCE optional,
 * loopback redirect URIs on any port, device code), or a confidential client (secret / certificate).
 */
export const ApplicationType = { Spa: 'spa', Public: 'public', Confidential: 'confidential' } as const;
export type ApplicationType = (typeof ApplicationType)[keyof typeof ApplicationType];

/**
 * Who may sign in (Entra's `signInAudience`): accounts of the app's own tenant, or of any organizational
 * tenant (a multi-tenant app, usable through `/organizations`, `/common` and every Entra tenant of the file).
 * Personal Microsoft accounts are not modelled.
 */
export const SignInAudience = { MyOrg: 'AzureADMyOrg', MultipleOrgs: 'AzureADMultipleOrgs' } as const;
export type SignInAudience = (typeof SignInAudience)[keyof typeof SignInAudience];

/**
 * Optional claims the emulator can add (Microsoft Learn, "Optional claims reference"): `idtyp` (`app` on
 * app-only tokens; `user` too with `include_user_token`), `xms_cc` (client capabilities the client asked
 * for), `acct` (0: a member of the tenant), `ctry` (the user's `country`), `upn`, `email`, and `aud` with
 * `use_guid` (v1 tokens carry the client id as audience instead of the App ID URI).
 */
export const OptionalClaimName = {
  Idtyp: 'idtyp',
  XmsCc: 'xms_cc',
  Acct: 'acct',
  Ctry: 'ctry',
  Upn: 'upn',
  Email: 'email',
  Aud: 'aud',
} as const;
export type OptionalClaimName = (typeof OptionalClaimName)[keyof typeof OptionalClaimName];

export const optionalClaimSchema = z
  .object({
    name: z.enum([
      OptionalClaimName.Idtyp,
      OptionalClaimName.XmsCc,
      OptionalClaimName.Acct,
      OptionalClaimName.Ctry,
      OptionalClaimName.Upn,
      OptionalClaimName.Email,
      OptionalClaimName.Aud,
    ]),
    additionalProperties: z.array(z.enum(['include_user_token', 'use_guid'])).default([]),
  })
  .strict();

/** Entra's manifest `optionalClaims`: per token type, the claims to add (SAML tokens are not modelled). */
export const optionalClaimsSchema = z
  .object({
    accessToken: z.array(optionalClaimSchema).default([]),
    idToken: z.array(optionalClaimSchema).default([]),
  })
  .strict();

/**
 * A B2C user flow (policy), served under `/{domain}/{policy}/...`. Written as its name alone or as an
 * object; always read as the object.
 */
export const policySchema = z
  .union([
    z.string().min(1),
    z
      .object({
        name: z.string().min(1),
        /** The user flow enforces a second factor: its tokens count as multi-factor (the step-up flow). */
        mfa: z.boolean().default(false),
        /** The sign-in flow the chain's clients use; default: the first flow without `mfa`. */
        default: z.boolean().default(false),
      })
      .strict(),
  ])
  .transform((p) => (typeof p === 'string' ? { name: p, mfa: false, default: false } : p));

export const tenantSchema = z
  .object({
    name: z.string().min(1),
    id: guid,
    domain: z.string().min(3),
    kind: z.enum([TenantKind.Entra, TenantKind.ExternalId, TenantKind.B2c]).default(TenantKind.Entra),
    /**
     * External ID: `<subdomain>.ciamlogin.com`; B2C: `<subdomain>.b2clogin.com`. Default: the first label of
     * `domain`.
     */
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case DNS label')
      .optional(),
    /** B2C only: the user flows (policies). */
    policies: z.array(policySchema).default([]),
    /** B2C only: social identity providers offered on the sign-in page besides local accounts (`google.com`). */
    identityProviders: z.array(z.string().min(3)).default([]),
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
  .object({
    pem: z.string().optional(),
    path: z.string().optional(),
    /**
     * Validity of the credential (Entra's keyCredential `startDateTime` / `endDateTime`); default: the
     * certificate's own notBefore / notAfter. Outside it, client assertions are refused (AADSTS700027).
     */
    startDateTime: z.string().datetime({ offset: true }).optional(),
    endDateTime: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((c) => (c.pem === undefined) !== (c.path === undefined), 'give exactly one of `pem` or `path`');

/** The audience Entra ID recommends (and AKS projects) for tokens exchanged through a federated credential. */
export const FEDERATED_TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * A federated identity credential (workload identity federation): Entra ID accepts, as this app's client
 * assertion, a token of `issuer` whose `sub` is `subject` and whose `aud` is the one audience, signed by a
 * key the issuer publishes (its OIDC discovery `jwks_uri`). Matching is exact and case-sensitive. The
 * issuer must be an `https` URL, as Entra requires; the emulator trusts its TLS certificate the normal way
 * (Node's CAs plus `NODE_EXTRA_CA_CERTS`). See docs/emulator.md "Federated identity credentials".
 */
export const federatedCredentialSchema = z
  .object({
    name: z.string().min(1).optional(),
    issuer: z
      .string()
      .url()
      .refine(
        (v) => v.startsWith('https://'),
        'must be an https:// URL (the OIDC issuer of the external token)',
      ),
    subject: z.string().min(1),
    /** Exactly one value (as Entra's `audiences`); default `api://AzureADTokenExchange`. */
    audiences: z.array(z.string().min(1)).length(1).default([FEDERATED_TOKEN_AUDIENCE]),
  })
  .strict();

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

/**
 * The part of the chain an application plays, whatever its name: the launchers (`npm start`, the test
 * harness, compose generation) configure the process of that part from the registration that plays it.
 * The parts are the SPA (`web`) and the APIs of the chain manifest (chain.yaml); these are the seed's. An
 * application without `role` plays the part its `name` names (the local files name each one after it).
 */
export const CHAIN_ROLES = ['web', 'bff', 'program-service', 'pricing-service', 'documents-service'] as const;
/** A part of the chain: `web`, or an API of chain.yaml (the seed's are {@link CHAIN_ROLES}). */
export type ChainRole = string;

export const applicationSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
    /** The part of the chain this application plays: `web` or an API of chain.yaml (default: its `name`). */
    role: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case (web, or an app of chain.yaml)')
      .optional(),
    displayName: z.string().min(1),
    clientId: guid,
    /** Tenant name; defaults to the first tenant. */
    tenant: z.string().optional(),
    /** Object id of the service principal (`oid` of app-only tokens); derived from clientId if absent. */
    servicePrincipalId: guid.optional(),
    type: z.enum([ApplicationType.Spa, ApplicationType.Public, ApplicationType.Confidential]),
    /** Default `AzureADMyOrg` (single tenant), as Entra's. */
    signInAudience: z.enum([SignInAudience.MyOrg, SignInAudience.MultipleOrgs]).default(SignInAudience.MyOrg),
    redirectUris: z.array(z.string().url()).default([]),
    postLogoutRedirectUris: z.array(z.string().url()).default([]),
    secrets: z.array(secretSchema).default([]),
    certificates: z.array(certificateSchema).default([]),
    /** Federated identity credentials (workload identity): confidential clients only. */
    federatedCredentials: z.array(federatedCredentialSchema).default([]),
    identifierUris: z.array(z.string().min(1)).default([]),
    /**
     * Version of the access tokens issued for this API: 2, or 1 / null (Entra's default: v1 tokens, issuer
     * `https://sts.windows.net/<tid>/`, `aud` = the identifier the client asked with). Entra tenants only;
     * External ID and B2C keep their own shapes.
     */
    accessTokenAcceptedVersion: z.union([z.literal(1), z.literal(2), z.null()]).default(null),
    optionalClaims: optionalClaimsSchema.default({}),
    scopes: z.array(z.string().min(1)).default([]),
    appRoles: z.array(appRoleSchema).default([]),
    /** Every token for this resource needs a multi-factor sign-in (a Conditional Access policy). */
    requireMfa: z.boolean().default(false),
    requiredResourceAccess: z.array(resourceAccessSchema).default([]),
    /**
     * A DEMO private key (PEM file, relative to this YAML) with which this app signs user-delegation proofs
     * (verified delegation, B2C mode; docs/auth.md). A real deployment keeps its key in a secret store.
     */
    delegationKey: z
      .object({ pem: z.string().optional(), path: z.string().optional() })
      .strict()
      .refine((k) => (k.pem === undefined) !== (k.path === undefined), 'give exactly one of `pem` or `path`')
      .optional(),
  })
  .strict();

export const userSchema = z
  .object({
    username: z.string().email(),
    displayName: z.string().min(1),
    oid: guid,
    tenant: z.string().optional(),
    password: z.string().min(1),
    /** Two-letter country code (the `ctry` optional claim). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as GB')
      .optional(),
    attributes: z.record(z.string(), z.string()).default({}),
    appRoleAssignments: z.array(z.object({ resource: z.string(), role: z.string() }).strict()).default([]),
    /** B2C: the social identity provider the user signs in with (`google.com`); absent = a local account. */
    identityProvider: z.string().min(3).optional(),
    /**
     * B2C custom attributes returned by the user flows as `extension_<Name>` claims (B2C has no app roles:
     * `Roles: Underwriter` plays that part).
     */
    customAttributes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.string()).default({}),
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
export type PolicyRegistration = z.infer<typeof policySchema>;
export type ApplicationRegistration = z.infer<typeof applicationSchema>;
export type AppRoleRegistration = z.infer<typeof appRoleSchema>;
export type ResourceAccess = z.infer<typeof resourceAccessSchema>;
export type CertificateRegistration = z.infer<typeof certificateSchema>;
export type FederatedCredentialRegistration = z.infer<typeof federatedCredentialSchema>;
export type OptionalClaimRegistration = z.infer<typeof optionalClaimSchema>;
export type UserRegistration = z.infer<typeof userSchema>;
export type Registrations = z.infer<typeof registrationsSchema>;
