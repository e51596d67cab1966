import { AuthModule, Public, RequireScopes } from '@chain/auth';
import { bootstrapApp, PlatformModule, runMain } from '@chain/platform';
import { Controller, Get, Module } from '@nestjs/common';

/*
 * Bench-only app of P2a: one route behind the global JWT guard and the same route public, side by side in
 * one process (PlatformModule + AuthModule, as the shipped apps). Never part of the shipped apps.
 *   node -r ./bench/support/swc-register.js bench/guard/guard-app-main.ts
 * Env: PORT (0 = free), LOG_LEVEL, GUARD_ISSUER, GUARD_JWKS_URI, GUARD_AUDIENCE.
 */
const ANSWER = { id: 'p-1', premium: 1234.5, currency: 'EUR' };

@Controller()
class GuardBenchController {
  @Get('protected')
  @RequireScopes('Quote.Read')
  protectedRoute(): typeof ANSWER {
    return ANSWER;
  }

  @Get('open')
  @Public()
  openRoute(): typeof ANSWER {
    return ANSWER;
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  @Module({
    imports: [
      // The plumbing the shipped apps turn on: a refusal is a 401 problem, not Nest's default 500.
      PlatformModule.forRoot({ name: 'guard-bench', problemDetails: true, requestContext: true }),
      AuthModule.forRoot({
        issuers: [required('GUARD_ISSUER')],
        jwksUri: required('GUARD_JWKS_URI'),
        audiences: [required('GUARD_AUDIENCE')],
      }),
    ],
    controllers: [GuardBenchController],
  })
  class GuardBenchModule {}
  await bootstrapApp(GuardBenchModule, {
    name: 'guard-bench',
    defaultPort: 0,
    host: '127.0.0.1',
    port: Number(process.env['PORT'] ?? '0'),
  });
}

runMain(main);
