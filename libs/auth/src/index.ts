// --- validation (AuthModule, guards, decorators, principal) ---
export * from './validation';
// --- errors (ChainError, problem+json filter, WWW-Authenticate) ---
export * from './errors';
// --- request context (correlation id, hops) ---
export * from './context';
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
