import type { Type } from '@nestjs/common';
import type { DestinationStream } from 'pino';

import type { LogLevel } from './config/env-fields';
import type { ReadinessIndicator } from './health/readiness-indicator';

/** Options of `PlatformModule.forRoot()`. */
export interface PlatformModuleOptions {
  /** Service name: logged on every line as `name`. */
  readonly name: string;
  /** Minimum log level. Default: `LOG_LEVEL` from the environment, else `info`. */
  readonly logLevel?: LogLevel;
  /** Log destination (default stdout). Tests pass a stream to read the lines. */
  readonly logDestination?: DestinationStream;
  /** The token issuer's JWKS address; when set, `/health/ready` fails while it cannot be fetched. */
  readonly jwksUri?: string;
  /** Time budget of the JWKS probe in milliseconds. Default 2000. */
  readonly jwksProbeTimeoutMs?: number;
  /**
   * App-provided readiness checks (database, storage). Each class must be a provider somewhere in the
   * app (for example in its database module); it is looked up there, not instantiated again.
   */
  readonly readinessChecks?: readonly Type<ReadinessIndicator>[];
  /**
   * Renders every exception as `application/problem+json` (the global `ProblemDetailsFilter`,
   * docs/CONTRACTS.md "Errors"). Every app of the chain sets it; a test app may leave it out.
   */
  readonly problemDetails?: boolean;
  /**
   * Opens the request context for each request (the correlation-id middleware: `x-correlation-id`,
   * `traceparent`, the request's time budget and its hop records), which @chain/auth reads.
   */
  readonly requestContext?: boolean;
  /**
   * Returns this request's hops in the `x-chain-trace` response header (`CHAIN_TRACE=true`, local/demo only;
   * needs `requestContext`).
   */
  readonly chainTrace?: boolean;
}

/** Injection token of the {@link PlatformModuleOptions}. */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
