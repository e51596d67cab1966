import { ServiceModule } from '@chain/platform';
import { type DynamicModule, Module } from '@nestjs/common';

import { {{camel}}Config, type {{Pascal}}Env } from './config/{{name}}.config';
import { ItemsModule } from './items/items.module';

/** Service name in logs and OpenAPI (and its folder, registration and chain.yaml entry). */
export const {{CONST}}_NAME = '{{name}}';

/**
 * {{name}}: {{descriptionComment}}. Reached by on-behalf-of tokens (verified delegation in B2C), through the
 * BFF's relay `/api/relay/{{route}}/…` (docs/adding-a-downstream.md); user tokens only, scope `{{scope}}`.
 */
@Module({})
export class AppModule {
  /** @param env the validated environment; default: read from `process.env`. */
  static forRoot(env: {{Pascal}}Env = {{camel}}Config()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({
          name: {{CONST}}_NAME,
          env,
          configKey: {{camel}}Config.KEY,
          imports: [ItemsModule],
        }),
      ],
    };
  }
}
