/**
 * @chain/platform: what every HTTP app of the chain shares (bootstrap, logging, health, OpenAPI,
 * environment validation). Authentication lives in @chain/auth.
 */
export {
  bootstrapApp,
  type BootstrapOptions,
  configureApp,
  type ConfigureAppOptions,
  listeningUrl,
  runMain,
} from './bootstrap/bootstrap-app';
export {
  booleanFlag,
  commaList,
  httpUrl,
  integerString,
  LOG_LEVELS,
  type LogLevel,
  nonEmptyCommaList,
  platformEnvShape,
  portNumber,
} from './config/env-fields';
export { type EnvProblem, EnvValidationError, parseEnv } from './config/parse-env';
export { loadPlatformEnv, type PlatformEnv } from './config/platform.config';
export {
  authOptionsFromEnv,
  authorityFromEnv,
  refineResourceServerEnv,
  type ResourceServerAuthOptions,
  type ResourceServerEnv,
  resourceServerEnvShape,
} from './config/resource-server-env';
export { HttpProbe, type ProbeResult } from './health/http-probe.adapter';
export { DEFAULT_JWKS_PROBE_TIMEOUT_MS, JwksHealthIndicator } from './health/jwks.health-indicator';
export type { ReadinessIndicator } from './health/readiness-indicator';
export {
  buildLoggerParams,
  correlationIdOf,
  type LoggerParamsOptions,
  REDACT_PATHS,
} from './logging/logger.options';
export { REDACTED, redactSecrets, redactString } from './logging/redact-secrets';
export { OPENAPI_PATH, OPENAPI_SECURITY, type OpenApiOptions, setupOpenApi } from './openapi/openapi.setup';
export { PlatformModule, VALIDATION_PIPE_OPTIONS } from './platform.module';
export { PLATFORM_OPTIONS, type PlatformModuleOptions } from './platform.options';
export { type HttpRoute, listHttpRoutes } from './routes/list-http-routes';
