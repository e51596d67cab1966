/**
 * @chain/auth/testing: test doubles for the seams of @chain/auth — the token acquirer, the shared token
 * store, the broker's clock, the downstream client, a principal, delegation keys — for unit tests of the
 * library and of the apps built on it. Never imported by production code.
 */
export { decodeChainTrace } from '../downstream/chain-trace';
export type { DownstreamRequestOptions, DownstreamResponse } from '../downstream/downstream-api';
export { SHARED_TOKEN_STORE, type SharedTokenStore } from '../token-broker/shared-token.store';
export {
  type AcquiredToken,
  TOKEN_ACQUIRER,
  type TokenAcquirer,
  type TokenRequest,
  TokenServiceFailure,
} from '../token-broker/token-acquirer.port';
export { type BrokerClock, TOKEN_BROKER_CLOCK } from '../token-broker/token-broker.service';
export { USER_DELEGATION_HEADER } from '../validation/user-delegation';
export {
  fakeJwt,
  fakePrincipal,
  FakeSharedStore,
  FakeTokenAcquirer,
  FrozenClock,
  rejection,
  rig,
  options as testBrokerOptions,
} from './broker.fakes';
export { type CallerKey, callerKey, type JwksServer, serveJwks, signProof } from './delegation.fakes';
export { type FakeCall, FakeDownstreamClient, type FakeHandler, userPrincipal } from './downstream.fakes';
