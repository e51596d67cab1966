import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';

import { loadPlatformEnv } from './config/platform.config';
import { HealthController } from './health/health.controller';
import { HttpProbe } from './health/http-probe.adapter';
import { JwksHealthIndicator } from './health/jwks.health-indicator';
import { ReadinessRegistry } from './health/readiness.registry';
import { buildLoggerParams } from './logging/logger.options';
import { PLATFORM_OPTIONS, type PlatformModuleOptions } from './platform.options';

/**
 * What every HTTP app of the chain shares: JSON logs with credentials redacted (nestjs-pino),
 * `GET /health/live` and `GET /health/ready` (@nestjs/terminus, public), and the global
 * `ValidationPipe({ whitelist, forbidNonWhitelisted, transform })`.
 * The problem+json filter and the JWT guard come from `AuthModule` (@chain/auth).
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const logLevel = options.logLevel ?? loadPlatformEnv(options.name, 0).LOG_LEVEL;
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(
          buildLoggerParams({ name: options.name, level: logLevel, destination: options.logDestination }),
        ),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: APP_PIPE, useValue: new ValidationPipe(VALIDATION_PIPE_OPTIONS) },
        HttpProbe,
        JwksHealthIndicator,
        ReadinessRegistry,
      ],
    };
  }
}

/** Unknown properties are refused (400) rather than silently dropped; payloads become DTO instances. */
export const VALIDATION_PIPE_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
} as const;
