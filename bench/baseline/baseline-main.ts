import { bootstrapApp, PlatformModule, runMain } from '@chain/platform';
import { type DynamicModule, Module } from '@nestjs/common';

import { BaselineBffModule } from './baseline-bff.module';
import { BaselinePricingModule } from './baseline-pricing.module';
import { BaselineProgramModule } from './baseline-program.module';

/*
 * Bench-only baseline of the quote route's three services (P2): the same platform as the shipped apps
 * (PlatformModule: pino request logs, health, ValidationPipe; bootstrapApp) and the same handler shapes,
 * with no authentication, no token broker, no tokens. Never part of the shipped apps.
 *   node -r ./bench/support/swc-register.js bench/baseline/baseline-main.ts <bff|program|pricing>
 * Env: PORT (0 = free), BASELINE_PROGRAM_URL and BASELINE_PRICING_URL for the bff, LOG_LEVEL.
 */
const APPS = ['bff', 'program', 'pricing'] as const;
type BaselineApp = (typeof APPS)[number];

function feature(app: BaselineApp): DynamicModule | typeof BaselineProgramModule {
  if (app === 'program') return BaselineProgramModule;
  if (app === 'pricing') return BaselinePricingModule;
  const program = process.env['BASELINE_PROGRAM_URL'];
  const pricing = process.env['BASELINE_PRICING_URL'];
  if (!program || !pricing)
    throw new Error('BASELINE_PROGRAM_URL and BASELINE_PRICING_URL are required for the bff');
  return BaselineBffModule.forRoot({ program, pricing });
}

async function main(): Promise<void> {
  const app = process.argv[2] as BaselineApp;
  if (!APPS.includes(app)) throw new Error(`usage: baseline-main.ts <${APPS.join('|')}>`);
  const name = `baseline-${app}`;
  @Module({ imports: [PlatformModule.forRoot({ name }), feature(app)] })
  class BaselineAppModule {}
  await bootstrapApp(BaselineAppModule, {
    name,
    defaultPort: 0,
    host: '127.0.0.1',
    port: Number(process.env['PORT'] ?? '0'),
  });
}

runMain(main);
