import { ChainError, Public } from '@chain/auth';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';

import { ReadinessRegistry } from './readiness.registry';

/** Liveness and readiness for orchestrators; no authentication (docs/CONTRACTS.md "Ports and hosts"). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** The process is up and serving HTTP; restarts are the only cure for a failure here. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Dependencies answer (JWKS, database, storage); a 503 takes the instance out of rotation. The 503 is a
   * problem that names the checks that are down (`checks`: each check's `up`/`down`), so an operator reads
   * the cause from the answer; a check's own message stays in the log, it may name internal hosts.
   */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readiness.checks());
    } catch (error) {
      if (error instanceof ServiceUnavailableException) throw NotReadyError.from(error.getResponse());
      throw error;
    }
  }
}

/** 503 `service_unavailable` from a failed readiness check, naming the checks that are down. */
export class NotReadyError extends ChainError {
  readonly code = 'service_unavailable' as const;
  readonly status = 503;

  static from(result: unknown): NotReadyError {
    const details = (result as Partial<HealthCheckResult> | undefined)?.details ?? {};
    const checks = Object.fromEntries(
      Object.entries(details).map(([name, check]) => [name, check?.status === 'up' ? 'up' : 'down']),
    );
    const down = Object.keys(checks).filter((name) => checks[name] === 'down');
    const error = new NotReadyError(
      down.length > 0 ? `Not ready: ${down.join(', ')} down.` : 'Not ready: a readiness check failed.',
    );
    error.extensions = { checks };
    return error;
  }
}
