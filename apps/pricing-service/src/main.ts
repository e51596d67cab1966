import { runService } from '@chain/platform';

import { AppModule, PRICING_SERVICE_NAME } from './app.module';
import { PRICING_SERVICE_PORT, pricingServiceConfig } from './config/pricing-service.config';

// App-only API: callers use client credentials, so no scopes: Swagger UI offers a bearer token only.
runService({
  name: PRICING_SERVICE_NAME,
  defaultPort: PRICING_SERVICE_PORT,
  env: pricingServiceConfig,
  module: (env) => AppModule.forRoot(env),
  description: 'Reference rates and quotes for trusted applications (client credentials).',
});
