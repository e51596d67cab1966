import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { RedisCacheHealthIndicator } from './redis-cache.health-indicator';

/** The readiness check of the shared token cache (found by `PlatformModule` through `readinessChecks`). */
@Module({
  imports: [TerminusModule],
  providers: [RedisCacheHealthIndicator],
  exports: [RedisCacheHealthIndicator],
})
export class TokenCacheHealthModule {}
