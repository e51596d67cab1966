import { bootstrapApp, runMain } from '@chain/platform';

import { AppModule, PRICING_SERVICE_NAME } from './app.module';
import { PRICING_SERVICE_PORT, pricingServiceConfig } from './config/pricing-service.config';

async function main(): Promise<void> {
  const env = pricingServiceConfig();
  await bootstrapApp(AppModule.forRoot(env), {
    name: PRICING_SERVICE_NAME,
    defaultPort: PRICING_SERVICE_PORT,
    host: env.HOST,
    port: env.PORT,
    // App-only API: callers use client credentials, so Swagger UI offers a bearer token only.
    openApi: { description: 'Reference rates and quotes for trusted applications (client credentials).' },
  });
}

runMain(main);
