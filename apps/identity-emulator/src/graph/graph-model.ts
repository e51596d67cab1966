/**
 * The Microsoft Graph v1.0 resources the emulator serves, in Graph's shapes (Microsoft Learn, "application
 * resource type", "servicePrincipal resource type", "oAuth2PermissionGrant resource type", "appRoleAssignment
 * resource type"): only the properties the provisioning script reads or writes (docs/emulator.md
 * "Microsoft Graph subset").
 */

export interface GraphPermissionScope {
  id: string;
  value: string;
  type: 'User' | 'Admin';
  isEnabled: boolean;
  adminConsentDisplayName: string | null;
  adminConsentDescription: string | null;
  userConsentDisplayName: string | null;
  userConsentDescription: string | null;
}

export interface GraphAppRole {
  id: string;
  value: string;
  allowedMemberTypes: string[];
  displayName: string | null;
  description: string | null;
  isEnabled: boolean;
}

export interface GraphOptionalClaim {
  name: string;
  source: string | null;
  essential: boolean;
  additionalProperties: string[];
}

export interface GraphOptionalClaims {
  accessToken: GraphOptionalClaim[];
  idToken: GraphOptionalClaim[];
  saml2Token: GraphOptionalClaim[];
}

export interface GraphRequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Scope' | 'Role' }[];
}

/** A password credential as Graph returns it: never the secret (only `addPassword` answers `secretText` once). */
export interface GraphPasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: null;
  secretText: null;
}

/** A key credential as Graph returns it (`key` is null on reads). */
export interface GraphKeyCredential {
  keyId: string;
  type: string;
  usage: string;
  displayName: string | null;
  customKeyIdentifier: string | null;
  startDateTime: string;
  endDateTime: string;
  key: null;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  tags: string[];
  signInAudience: string;
  identifierUris: string[];
  isFallbackPublicClient: boolean | null;
  api: {
    requestedAccessTokenVersion: number | null;
    oauth2PermissionScopes: GraphPermissionScope[];
  };
  appRoles: GraphAppRole[];
  requiredResourceAccess: GraphRequiredResourceAccess[];
  spa: { redirectUris: string[] };
  web: { redirectUris: string[] };
  publicClient: { redirectUris: string[] };
  optionalClaims: GraphOptionalClaims | null;
  passwordCredentials: GraphPasswordCredential[];
  keyCredentials: GraphKeyCredential[];
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
  accountEnabled: boolean;
  servicePrincipalType: 'Application';
  appOwnerOrganizationId: string;
}

export interface GraphPermissionGrant {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

export interface GraphAppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: 'User' | 'ServicePrincipal';
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

/** Microsoft Graph's own application id: its service principal exists in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * A federated identity credential of an application (Microsoft Learn, "federatedIdentityCredential resource
 * type"): the external issuer and subject whose tokens the app may present as its client assertion.
 */
export interface GraphFederatedIdentityCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}
