import { AuthModule } from '@chain/auth';
import { authOptionsFromEnv, PlatformModule } from '@chain/platform';
import { type DynamicModule, Module } from '@nestjs/common';

import { allowCallers } from './common/pricing-callers';
import { pricingServiceConfig, type PricingServiceEnv } from './config/pricing-service.config';
import { QuotesController } from './quotes/quotes.controller';
import { QuotesModule } from './quotes/quotes.module';
import { RatesController } from './rates/rates.controller';
import { RatesModule } from './rates/rates.module';

/** Service name in logs and OpenAPI. */
export const PRICING_SERVICE_NAME = 'pricing-service';

/**
 * pricing-service: reference rates and quotes for trusted applications, reached by client-credentials
 * tokens (audience `api://pricing-service`, app tokens with role `Pricing.Read.All`, caller allow-list).
 */
@Module({})
export class AppModule {
  /** @param env the validated environment; default: read from `process.env`. */
  static forRoot(env: PricingServiceEnv = pricingServiceConfig()): DynamicModule {
    allowCallers(env.PRICING_ALLOWED_CALLERS, [RatesController, QuotesController]);
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({
          name: PRICING_SERVICE_NAME,
          logLevel: env.LOG_LEVEL,
          jwksUri: env.AUTH_JWKS_URI,
          problemDetails: true,
          requestContext: true,
        }),
        AuthModule.forRoot(authOptionsFromEnv(env)),
        RatesModule,
        QuotesModule,
      ],
      providers: [{ provide: pricingServiceConfig.KEY, useValue: env }],
      exports: [pricingServiceConfig.KEY],
    };
  }
}
