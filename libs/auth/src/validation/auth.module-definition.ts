import { ConfigurableModuleBuilder } from '@nestjs/common';

import type { AuthModuleOptions } from './auth.options';

export const { ConfigurableModuleClass: AuthConfigurableModule, MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<AuthModuleOptions>().setClassMethodName('forRoot').build();
