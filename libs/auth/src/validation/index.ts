export { AuthModule } from './auth.module';
export { AUTH_MODULE_OPTIONS } from './auth.module-definition';
export {
  AUTH_DEFAULTS,
  type AuthModuleOptions,
  AuthOptionsError,
  DEFAULT_MAX_PROOF_LIFETIME_SECONDS,
  type DelegationCaller,
  type DelegationOptions,
  resolveAuthOptions,
  type ResolvedAuthOptions,
} from './auth.options';
export { ENTRA_JWT, EntraJwtStrategy } from './entra-jwt.strategy';
export { bearerTokenOf, JwtAuthGuard } from './jwt-auth.guard';
export {
  type AccessTokenClaims,
  AuthenticatedPrincipal,
  type ClaimRules,
  type DelegationOrigin,
  Principal,
} from './principal';
export {
  AllowedCallers,
  AppOnly,
  IS_PUBLIC,
  Public,
  RequireAppRoles,
  REQUIREMENT_KEYS,
  RequireScopes,
  RequireScopesOrAppRoles,
  type RouteRequirements,
  UserOnly,
} from './requirements';
export { assertRequirements } from './requirements.check';
export { SigningKeyResolver } from './signing-key.resolver';
export { toInvalidTokenError, TokenValidator } from './token-validator';
export {
  accessTokenHash,
  DELEGATION_JWKS_PATH,
  USER_DELEGATION_HEADER,
  USER_DELEGATION_TYP,
  type UserDelegationClaims,
} from './user-delegation';
export {
  type InsufficientScopeCode,
  InsufficientScopeError,
  type InvalidTokenCode,
  InvalidTokenError,
  SigningKeysUnavailableError,
} from './validation.errors';
