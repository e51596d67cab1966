import { AuthModule } from '@chain/auth';
import { authOptionsFromEnv, PlatformModule } from '@chain/platform';
import { type DynamicModule, Module } from '@nestjs/common';

import { Clock, SystemClock } from './common/clock/clock';
import { DatabaseHealthIndicator } from './common/database/database.health-indicator';
import { DatabaseModule } from './common/database/database.module';
import { ProgramSeed, programServiceConfig, type ProgramServiceEnv } from './config/program-service.config';
import { MembersModule } from './members/members.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { SeedModule } from './seed/seed.module';

/** Service name in logs and OpenAPI. */
export const PROGRAM_SERVICE_NAME = 'program-service';

/**
 * program-service: programmes with user-level rules, reached by on-behalf-of tokens
 * (audience `api://program-service` or its client id, user tokens only).
 */
@Module({})
export class AppModule {
  /** @param env the validated environment; default: read from `process.env`. */
  static forRoot(env: ProgramServiceEnv = programServiceConfig()): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({
          name: PROGRAM_SERVICE_NAME,
          logLevel: env.LOG_LEVEL,
          jwksUri: env.AUTH_JWKS_URI,
          readinessChecks: [DatabaseHealthIndicator],
          problemDetails: true,
          requestContext: true,
          chainTrace: env.CHAIN_TRACE,
        }),
        AuthModule.forRoot(authOptionsFromEnv(env)),
        DatabaseModule.forRoot(env.DATABASE_URL === undefined ? {} : { url: env.DATABASE_URL }),
        MembersModule,
        ProgrammesModule,
        ...(env.PROGRAM_SEED === ProgramSeed.Demo ? [SeedModule] : []),
      ],
      providers: [
        { provide: programServiceConfig.KEY, useValue: env },
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [programServiceConfig.KEY, Clock],
    };
  }
}
