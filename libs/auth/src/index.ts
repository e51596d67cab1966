// --- validation (AuthModule, guards, decorators, principal) ---
export { AuthModule } from './validation/auth.module';
export { AUTH_MODULE_OPTIONS } from './validation/auth.module-definition';
export {
  AUTH_DEFAULTS,
  type AuthModuleOptions,
  AuthOptionsError,
  DEFAULT_MAX_PROOF_LIFETIME_SECONDS,
  type DelegationCaller,
  type DelegationOptions,
  resolveAuthOptions,
  type ResolvedAuthOptions,
} from './validation/auth.options';
export { ENTRA_JWT, EntraJwtStrategy } from './validation/entra-jwt.strategy';
export { bearerTokenOf, JwtAuthGuard } from './validation/jwt-auth.guard';
export {
  type AccessTokenClaims,
  AuthenticatedPrincipal,
  type ClaimRules,
  type DelegationOrigin,
  Principal,
} from './validation/principal';
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
} from './validation/requirements';
export { assertRequirements } from './validation/requirements.check';
export { SigningKeyResolver } from './validation/signing-key.resolver';
export { toInvalidTokenError, TokenValidator } from './validation/token-validator';
export {
  accessTokenHash,
  DELEGATION_JWKS_PATH,
  USER_DELEGATION_HEADER,
  USER_DELEGATION_TYP,
  type UserDelegationClaims,
} from './validation/user-delegation';
export {
  type InsufficientScopeCode,
  InsufficientScopeError,
  type InvalidTokenCode,
  InvalidTokenError,
  SigningKeysUnavailableError,
} from './validation/validation.errors';
// --- errors (ChainError, problem+json filter, WWW-Authenticate) ---
export {
  type BearerChallenge,
  buildBearerChallenge,
  parseBearerChallenge,
  type ParsedBearerChallenge,
} from './errors/bearer-challenge';
export { ChainError } from './errors/chain.error';
export { ERROR_TITLES, type ErrorCode, PROBLEM_TYPE_BASE } from './errors/error-codes';
export { type ProblemBody, problemBody, ProblemDetailsFilter } from './errors/problem-details.filter';
export {
  hostOfUrl,
  type TransportCause,
  TransportCauseKind,
  transportCauseOf,
  transportCodeOf,
  transportHint,
  type TransportHintTarget,
} from './errors/transport-cause';
// --- request context (correlation id, hops) ---
export {
  CORRELATION_ID_HEADER,
  correlationIdFrom,
  CorrelationIdMiddleware,
} from './context/correlation-id.middleware';
export { RequestContext, type RequestContextData } from './context/request-context';
export { Deadline, DEADLINE_ANSWER_RESERVE_MS, requestDeadline } from './context/request-deadline';
// --- token broker and downstream (owned by the broker engineer) ---
export { CHAIN_TRACE_HEADER, decodeChainTrace, encodeChainTrace } from './downstream/chain-trace';
export { DownstreamClient } from './downstream/downstream.client';
export type {
  DownstreamBody,
  DownstreamRequestOptions,
  DownstreamResponse,
} from './downstream/downstream-api';
export { DownstreamApi } from './downstream/downstream-api';
export type { HopRecord, HopTokenClaims } from './downstream/hop-record';
export { childTraceparent } from './downstream/traceparent';
export {
  CLIENT_CREDENTIAL_ENV,
  clientCredentialEnvIssues,
  clientCredentialEnvShape,
  clientCredentialFromEnv,
  readFederatedToken,
} from './token-broker/client-credential';
export { DelegationJwksController } from './token-broker/delegation-jwks.controller';
export {
  DELEGATION_KEY_ENV,
  type DelegationJwk,
  delegationSigningKeyFromEnv,
} from './token-broker/delegation-signing-key';
export {
  parseDownstreamApisEnv,
  TokenBrokerConfigError,
  validateDownstreamDeclarations,
} from './token-broker/downstream-declarations.schema';
export { SHARED_TOKEN_STORE, type SharedTokenStore } from './token-broker/shared-token.store';
export {
  type AcquiredToken,
  TOKEN_ACQUIRER,
  type TokenAcquirer,
  type TokenRequest,
  TokenServiceFailure,
} from './token-broker/token-acquirer.port';
export { TokenBrokerError } from './token-broker/token-broker.errors';
export type { DownstreamTokenStats, TokenBrokerEventMap } from './token-broker/token-broker.events';
export { TokenBrokerEvents } from './token-broker/token-broker.events';
export { TokenBrokerModule } from './token-broker/token-broker.module';
export type {
  ClientCredential,
  DelegationSigningOptions,
  DownstreamDeclaration,
  TokenBrokerCacheOptions,
  TokenBrokerOptions,
} from './token-broker/token-broker.options';
export { DownstreamFlow, TOKEN_BROKER_DEFAULTS } from './token-broker/token-broker.options';
export type {
  AcquireOptions,
  BrokerClock,
  BrokeredToken,
  BrokerPrincipal,
  TokenSource,
} from './token-broker/token-broker.service';
export { TOKEN_BROKER_CLOCK, TokenBroker } from './token-broker/token-broker.service';
// --- end token broker and downstream ---
