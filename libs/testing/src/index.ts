export { Chain, type ChainEmulator, type ChainParts, type StartChainOptions } from './chain/chain';
export { builtEntry, repoRoot } from './chain/repo-root';
export { startChain } from './chain/start-chain';
export {
  EmulatorAdmin,
  type EmulatorFault,
  type KeyRotation,
  type TokenRequestCounts,
} from './emulator/emulator-admin';
export { formPost, type HarnessRequest, harnessRequest, type HarnessResponse } from './http/http-request';
export { filesUnder, JWT_PATTERN, type LogLeak, registeredSecrets, scanLogsForLeaks } from './logs/scan-logs';
export { azuriteUrlOf, launchAzurite } from './processes/azurite';
export {
  ChildApp,
  type ChildAppSpec,
  type ChildExit,
  launchChildApp,
  listeningUrlOf,
} from './processes/child-app';
export { baseChildEnv } from './processes/child-env.config';
export { freePort, portInUse } from './processes/free-port';
export { redisForSuite } from './processes/redis-probe';
export { waitReady, type WaitReadyOptions } from './processes/wait-ready';
export {
  jsonBodyBytes,
  type JsonBodyShape,
  nestedJson,
  propertyRuns,
} from './properties/json-body.arbitrary';
export { findUser, type IdentityTarget, signIn, type SignInOptions } from './sign-in/sign-in';
export { SignedIn } from './sign-in/signed-in';
export { type AppToken, clientCredentialsToken } from './tokens/client-credentials';
export { decodeClaims } from './tokens/decode-claims';
export { findJwts } from './tokens/find-jwts';
export { type SignOptions, TestIssuer, type TestIssuerOptions } from './tokens/test-issuer';
