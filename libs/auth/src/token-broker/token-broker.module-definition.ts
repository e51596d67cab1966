import { ConfigurableModuleBuilder } from '@nestjs/common';

import { DelegationJwksController } from './delegation-jwks.controller';
import type { TokenBrokerOptions } from './token-broker.options';

/**
 * `TokenBrokerModule.forRoot(options)` / `forRootAsync({ useFactory, inject, imports })`. Extras: `isGlobal`
 * (default true); `publishDelegationJwks` — serve `GET /.well-known/delegation-jwks.json` (default: `forRoot`
 * publishes it when `options.delegation` is set; `forRootAsync` only when this is true).
 */
export const {
  ConfigurableModuleClass: TokenBrokerConfigurableModule,
  MODULE_OPTIONS_TOKEN: TOKEN_BROKER_OPTIONS,
  OPTIONS_TYPE: TOKEN_BROKER_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TokenBrokerOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true, publishDelegationJwks: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    controllers: extras.publishDelegationJwks ? [DelegationJwksController] : [],
  }))
  .build();
