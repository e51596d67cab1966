/**
 * @chain/auth: Microsoft Entra ID / External ID / Azure AD B2C for NestJS APIs (docs/auth.md). Thirty
 * names at most, each documented where it is declared; test doubles are in `@chain/auth/testing`.
 * `index.spec.ts` counts them and checks their TSDoc.
 */
// Validating incoming tokens: the module, the route requirements and the caller.
export { AuthModule } from './validation/auth.module';
export type { AuthModuleOptions } from './validation/auth.options';
export { AuthenticatedPrincipal, Principal } from './validation/principal';
export {
  AllowedCallers,
  AppOnly,
  Public,
  RequireAppRoles,
  RequireScopes,
  RequireScopesOrAppRoles,
  UserOnly,
} from './validation/requirements';
export { TokenValidator } from './validation/token-validator';
// Calling downstream APIs: the broker, the client and their configuration.
export { AuthEnv } from './config/auth-env';
export { DownstreamClient } from './downstream/downstream.client';
export type { DownstreamApi } from './downstream/downstream-api';
export { TokenBrokerEvents } from './token-broker/token-broker.events';
export { TokenBrokerModule } from './token-broker/token-broker.module';
export { DownstreamFlow, type TokenBrokerOptions } from './token-broker/token-broker.options';
export { TokenBroker } from './token-broker/token-broker.service';
// Errors a caller catches or throws, and how they are rendered.
export { buildBearerChallenge } from './errors/bearer-challenge';
export { ChainError } from './errors/chain.error';
export { ChainErrorFilter } from './errors/chain-error.filter';
export type { ErrorCode } from './errors/error-codes';
export { TransportFailure } from './errors/transport-failure';
export { TokenBrokerConfigError } from './token-broker/downstream-declarations.schema';
export { TokenBrokerError } from './token-broker/token-broker.errors';
export { InsufficientScopeError, InvalidTokenError } from './validation/validation.errors';
// The request-scoped context the broker and the downstream client read (opened by @chain/platform).
export { RequestContext } from './context/request-context';
