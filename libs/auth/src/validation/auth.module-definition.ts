import { ConfigurableModuleBuilder } from '@nestjs/common';

import type { AuthModuleOptions } from './auth.options';

export const {
  ConfigurableModuleClass: AuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>().setClassMethodName('forRoot').build();
