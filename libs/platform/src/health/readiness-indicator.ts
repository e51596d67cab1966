import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * A readiness check an app contributes (database, blob storage, …). Implementations are ordinary
 * providers of the app; `PlatformModule.forRoot({ readinessChecks: [MyIndicator] })` finds them
 * anywhere in the app and calls `check()` on `GET /health/ready`. Report trouble with
 * `HealthIndicatorService.check(key).down(...)`; never include credentials in the result.
 */
export interface ReadinessIndicator {
  check(): Promise<HealthIndicatorResult>;
}
