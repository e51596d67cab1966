import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { bffConfig } from '../../config/bff.config';
import { IDEMPOTENCY_SETTINGS } from './idempotency.options';
import {
  DEFAULT_IDEMPOTENCY_SETTINGS,
  type IdempotencySettings,
  IdempotencyStore,
} from './idempotency.store';
import { InMemoryIdempotencyStore } from './in-memory-idempotency.store';
import { RedisIdempotencyStore } from './redis-idempotency.store';

/**
 * The BFF's `Idempotency-Key` store, shared by every write route: in Redis when the BFF shares its token cache
 * there (`TOKEN_CACHE_REDIS_URL`, answers sealed with `TOKEN_CACHE_ENCRYPTION_KEY`), so that a retry reaching
 * another replica is recognised; else in this process. Import it in a module whose controllers use
 * `@Idempotent()`.
 */
@Module({
  providers: [
    { provide: IDEMPOTENCY_SETTINGS, useValue: DEFAULT_IDEMPOTENCY_SETTINGS },
    {
      provide: IdempotencyStore,
      inject: [IDEMPOTENCY_SETTINGS, { token: bffConfig.KEY, optional: true }],
      useFactory: (settings: IdempotencySettings, config?: ConfigType<typeof bffConfig>) => {
        const url = config?.TOKEN_CACHE_REDIS_URL;
        const key = config?.TOKEN_CACHE_ENCRYPTION_KEY;
        return url !== undefined && key !== undefined
          ? new RedisIdempotencyStore(url, key, settings)
          : new InMemoryIdempotencyStore(settings);
      },
    },
  ],
  exports: [IDEMPOTENCY_SETTINGS, IdempotencyStore],
})
export class IdempotencyModule {}
