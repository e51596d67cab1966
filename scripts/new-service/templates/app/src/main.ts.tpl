import { runService } from '@chain/platform';

import { AppModule, {{CONST}}_NAME } from './app.module';
import { {{CONST}}_PORT, {{camel}}Config } from './config/{{name}}.config';
import { ITEMS_SCOPE } from './items/items.controller';

runService({
  name: {{CONST}}_NAME,
  defaultPort: {{CONST}}_PORT,
  env: {{camel}}Config,
  module: (env) => AppModule.forRoot(env),
  description: '{{descriptionQuoted}}',
  scopes: { [ITEMS_SCOPE]: 'Read and create your own items' },
});
