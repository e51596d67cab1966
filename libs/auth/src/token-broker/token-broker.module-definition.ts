import { ConfigurableModuleBuilder } from '@nestjs/common';

import type { TokenBrokerOptions } from './token-broker.options';

/** `TokenBrokerModule.forRoot(options)` / `forRootAsync({ useFactory, inject, imports })`; `isGlobal` (default true). */
export const {
  ConfigurableModuleClass: TokenBrokerConfigurableModule,
  MODULE_OPTIONS_TOKEN: TOKEN_BROKER_OPTIONS,
  OPTIONS_TYPE: TOKEN_BROKER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TOKEN_BROKER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TokenBrokerOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
