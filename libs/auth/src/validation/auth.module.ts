import { Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Passport } from 'passport';

import { AUTH_MODULE_OPTIONS, AuthConfigurableModule } from './auth.module-definition';
import { AUTH_DEFAULTS, type AuthModuleOptions } from './auth.options';
import { AUTH_PASSPORT, EntraJwtStrategy } from './entra-jwt.strategy';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TokenValidator } from './token-validator';

/**
 * Token validation for a resource API: `AuthModule.forRoot(options)` / `forRootAsync(...)`.
 * Registers the global JWT guard (deny by default; with `delegation`, it also verifies the
 * `X-User-Delegation` proofs of trusted callers), and nothing else: the app chooses how errors are
 * rendered (`ChainErrorFilter`, or @chain/platform's filter) and whether a request context is opened
 * (@chain/platform). Options: {@link AuthModuleOptions}.
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
  ],
  exports: [TokenValidator],
})
export class AuthModule extends AuthConfigurableModule implements OnModuleDestroy {
  constructor(private readonly validator: TokenValidator) {
    super();
  }

  /** The defaults of {@link AuthModuleOptions} (cache sizes, clock tolerance, limits). */
  static readonly DEFAULTS = AUTH_DEFAULTS;

  onModuleDestroy(): void {
    this.validator.close();
  }
}
