import { runService } from '@chain/platform';

import { AppModule, PROGRAM_SERVICE_NAME } from './app.module';
import { PROGRAM_SERVICE_PORT, programServiceConfig } from './config/program-service.config';
import { ProgramScope } from './programmes/programme.permissions';

runService({
  name: PROGRAM_SERVICE_NAME,
  defaultPort: PROGRAM_SERVICE_PORT,
  env: programServiceConfig,
  module: (env) => AppModule.forRoot(env),
  description: 'Programmes with user-level rules, reached by on-behalf-of tokens.',
  scopes: {
    [ProgramScope.Read]: 'Read programmes you may see',
    [ProgramScope.ReadWrite]: 'Create, edit, submit and approve programmes',
  },
});
