import { authorityFromEnv, bootstrapApp, runMain } from '@chain/platform';

import { AppModule, PROGRAM_SERVICE_NAME } from './app.module';
import { PROGRAM_SERVICE_PORT, programServiceConfig } from './config/program-service.config';
import { ProgramScope } from './programmes/programme.permissions';

async function main(): Promise<void> {
  const env = programServiceConfig();
  const appIdUri = env.AUTH_AUDIENCES.find((audience) => audience.includes('://')) ?? 'api://program-service';
  await bootstrapApp(AppModule.forRoot(env), {
    name: PROGRAM_SERVICE_NAME,
    defaultPort: PROGRAM_SERVICE_PORT,
    host: env.HOST,
    port: env.PORT,
    openApi: {
      description: 'Programmes with user-level rules, reached by on-behalf-of tokens.',
      authority: authorityFromEnv(env),
      scopes: {
        [`${appIdUri}/${ProgramScope.Read}`]: 'Read programmes you may see',
        [`${appIdUri}/${ProgramScope.ReadWrite}`]: 'Create, edit, submit and approve programmes',
      },
    },
  });
}

runMain(main);
