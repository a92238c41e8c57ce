import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { MigrationsModuleOptions } from './migrations-options';

export const {
  ConfigurableModuleClass: MigrationsConfigurableModule,
  MODULE_OPTIONS_TOKEN: MIGRATIONS_MODULE_OPTIONS,
  OPTIONS_TYPE: MIGRATIONS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: MIGRATIONS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MigrationsModuleOptions>({ moduleName: 'Migrations' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
