import { bootstrapApp, runMain } from '@chain/platform';

import { AppModule, BFF_NAME } from './app.module';
import { BffScope } from './common/bff-catalogue';
import { BFF_PORT, bffConfig } from './config/bff.config';

async function main(): Promise<void> {
  const env = bffConfig();
  const appIdUri = env.AUTH_AUDIENCES.find((audience) => audience.includes('://')) ?? 'api://bff';
  await bootstrapApp(AppModule.forRoot(env), {
    name: BFF_NAME,
    defaultPort: BFF_PORT,
    host: env.HOST,
    port: env.PORT,
    openApi: {
      description:
        'The API of the SPA. Calls program-service and documents-service on behalf of the user, pricing-service as itself.',
      authority: env.AUTH_AUTHORITY,
      scopes: { [`${appIdUri}/${BffScope.AccessAsUser}`]: 'Use the BFF as the signed-in user' },
    },
  });
}

runMain(main);
