import {
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleDestroy,
  RequestMethod,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Passport } from 'passport';

import { CorrelationIdMiddleware } from '../context/correlation-id.middleware';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { AUTH_MODULE_OPTIONS, AuthConfigurableModule } from './auth.module-definition';
import type { AuthModuleOptions } from './auth.options';
import { AUTH_PASSPORT, EntraJwtStrategy } from './entra-jwt.strategy';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TokenValidator } from './token-validator';

/**
 * Token validation for a resource API: `AuthModule.forRoot(options)` / `forRootAsync(...)`.
 * Registers the global JWT guard (deny by default; with `delegation`, it also verifies the
 * `X-User-Delegation` proofs of trusted callers), the problem+json filter and the correlation-id
 * middleware. Options: {@link AuthModuleOptions}.
 */
@Module({
  providers: [
    { provide: AUTH_PASSPORT, useFactory: () => new Passport() },
    {
      provide: TokenValidator,
      inject: [AUTH_MODULE_OPTIONS],
      useFactory: (options: AuthModuleOptions) => TokenValidator.fromOptions(options),
    },
    EntraJwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
  exports: [TokenValidator],
})
export class AuthModule extends AuthConfigurableModule implements NestModule, OnModuleDestroy {
  constructor(private readonly validator: TokenValidator) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  onModuleDestroy(): void {
    this.validator.close();
  }
}
