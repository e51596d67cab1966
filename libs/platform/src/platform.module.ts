import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type Provider,
  RequestMethod,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';

import { ChainTraceInterceptor } from './chain-trace/chain-trace.interceptor';
import { loadPlatformEnv } from './config/platform.config';
import { CorrelationIdMiddleware } from './context/correlation-id.middleware';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { HealthController } from './health/health.controller';
import { HttpProbe } from './health/http-probe.adapter';
import { JwksHealthIndicator } from './health/jwks.health-indicator';
import { ReadinessRegistry } from './health/readiness.registry';
import { buildLoggerParams } from './logging/logger.options';
import { PLATFORM_OPTIONS, type PlatformModuleOptions } from './platform.options';

/**
 * What every HTTP app of the chain shares: JSON logs with credentials redacted (nestjs-pino),
 * `GET /health/live` and `GET /health/ready` (@nestjs/terminus, public), and the global
 * `ValidationPipe({ whitelist, forbidNonWhitelisted, transform })`. Each app turns on, one option each, the
 * HTTP plumbing it wants: `problemDetails` (the problem+json filter), `requestContext` (correlation id and
 * request context) and `chainTrace` (the `x-chain-trace` header). The JWT guard comes from `AuthModule`
 * (@chain/auth), which registers nothing else.
 */
@Module({})
export class PlatformModule implements NestModule {
  constructor(@Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.options.requestContext)
      consumer.apply(CorrelationIdMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

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
        ...plumbingProviders(options),
      ],
    };
  }
}

function plumbingProviders(options: PlatformModuleOptions): Provider[] {
  return [
    ...(options.problemDetails ? [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] : []),
    ...(options.chainTrace ? [{ provide: APP_INTERCEPTOR, useClass: ChainTraceInterceptor }] : []),
  ];
}

/** Unknown properties are refused (400) rather than silently dropped; payloads become DTO instances. */
export const VALIDATION_PIPE_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
} as const;
