/**
 * @chain/platform: what every HTTP app of the chain shares (bootstrap, logging, health, OpenAPI,
 * environment validation). Authentication lives in @chain/auth.
 */
// Telemetry first, before any other module of the barrel: when the OTEL_* variables turn it on, the
// OpenTelemetry SDK must hook http, express, pg, ioredis and pino before they load (docs/observability.md).
export { shutdownTelemetry, type TelemetryState, telemetryState } from './telemetry/telemetry.start';
// The rest of the platform.
export {
  bootstrapApp,
  type BootstrapOptions,
  configureApp,
  type ConfigureAppOptions,
  listeningUrl,
  runMain,
} from './bootstrap/bootstrap-app';
export {
  CHAIN_TRACE_HEADER,
  ChainTraceInterceptor,
  encodeChainTrace,
} from './chain-trace/chain-trace.interceptor';
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
export {
  CORRELATION_ID_HEADER,
  correlationIdFrom,
  CorrelationIdMiddleware,
} from './context/correlation-id.middleware';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export { HttpProbe, type ProbeResult } from './health/http-probe.adapter';
export { DEFAULT_JWKS_PROBE_TIMEOUT_MS, JwksHealthIndicator } from './health/jwks.health-indicator';
export type { ReadinessIndicator } from './health/readiness-indicator';
export {
  BodyTooDeepError,
  BodyTooLargeError,
  ForbiddenMemberError,
  MalformedBodyError,
  TooManyParametersError,
} from './http/body-limits.errors';
export {
  type BodyLimits,
  DEFAULT_BODY_LIMITS,
  FORBIDDEN_MEMBERS,
  resolveBodyLimits,
} from './http/body-limits.options';
export { formBodyParser, jsonBodyParser, useBodyParsers } from './http/body-parser.middleware';
export {
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  IN_PROGRESS_RETRY_AFTER_SECONDS,
} from './http/idempotency.errors';
export {
  formatIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  InvalidIdempotencyKeyError,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  parseIdempotencyKey,
} from './http/idempotency-key';
export { exceedsJsonDepth, forbiddenMemberOf } from './http/json-shape';
export {
  hasAtMostDecimalPlaces,
  MAX_DECIMAL_PLACES,
  MaxDecimalPlaces,
} from './http/max-decimal-places.decorator';
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
export {
  openApiOf,
  resourceServerEnvSchema,
  runService,
  type RunServiceOptions,
  type ServiceDescription,
  type ServiceEnv,
  ServiceModule,
  type ServiceModuleOptions,
} from './service/resource-service';
