export {
  azuriteConnectionString,
  defaultLocalEndpoints,
  LOCAL_TOKEN_CACHE_KEY,
  type LocalApp,
  localAppEnv,
  type LocalEndpoints,
  ServiceApp,
} from './app-env';
export {
  apiConfigLocation,
  type ChainApi,
  chainApi,
  type ChainManifest,
  ChainManifestError,
  chainManifestSchema,
  defaultManifestPath,
  downstreamName,
  downstreamsOf,
  loadChainManifest,
  MANIFEST_VALUES,
  manifestEnv,
  type ManifestValue,
  parseChainManifest,
  pascalCaseOf,
  portVariableOf,
  startStages,
  usesValue,
} from './chain-manifest';
export { applicationFor, roleOf } from './chain-roles';
export {
  type EmulatorUrls,
  externalIdIssuerHost,
  type IdentityEndpoints,
  identityEndpoints,
  signInPolicyOf,
} from './identity-endpoints';
export {
  assertModeOf,
  IDENTITY_MODE_VARIABLE,
  IDENTITY_MODES,
  IdentityMode,
  IdentityModeError,
  loadRegistrationsFor,
  localTenantDir,
  parseIdentityMode,
  registrationsFileOf,
} from './identity-mode';
export {
  defaultRegistrationsPath,
  loadRegistrations,
  parseRegistrations,
  RegistrationsError,
} from './load-registrations';
export type {
  ApplicationRegistration,
  AppRoleRegistration,
  CertificateRegistration,
  FederatedCredentialRegistration,
  Registrations,
  ResourceAccess,
  TenantRegistration,
  UserRegistration,
} from './registrations.schema';
export type { PolicyRegistration } from './registrations.schema';
export {
  ApplicationType,
  CHAIN_ROLES,
  type ChainRole,
  FEDERATED_TOKEN_AUDIENCE,
  registrationsSchema,
  TenantKind,
} from './registrations.schema';
