import type { ReadinessIndicator } from '@chain/platform';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';

import { bffConfig } from '../config/bff.config';

/** Time budget of one readiness PING, in milliseconds. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Ready while the shared (L2) token cache answers a PING, when one is configured (`TOKEN_CACHE_REDIS_URL`).
 * The broker falls back to its in-memory cache without Redis; readiness still reports it, so that an
 * orchestrator sees a replica that no longer shares tokens (and acquisition leases) with the others.
 * The probe has its own connection: it never touches token data. The URL is never reported.
 */
@Injectable()
export class RedisCacheHealthIndicator implements ReadinessIndicator, OnApplicationShutdown {
  private readonly redis: Redis | undefined;

  constructor(
    @Inject(bffConfig.KEY) config: ConfigType<typeof bffConfig>,
    private readonly indicators: HealthIndicatorService,
  ) {
    const url = config.TOKEN_CACHE_REDIS_URL;
    this.redis =
      url === undefined
        ? undefined
        : new Redis(url, {
            lazyConnect: true,
            enableOfflineQueue: false,
            connectTimeout: PROBE_TIMEOUT_MS,
            commandTimeout: PROBE_TIMEOUT_MS,
            maxRetriesPerRequest: 0,
          });
    // Connection errors surface as a "down" readiness answer, not as unhandled 'error' events.
    this.redis?.on('error', () => undefined);
  }

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('tokenCache');
    if (this.redis === undefined) return session.up({ shared: false });
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
      await this.redis.ping();
      return session.up({ shared: true });
    } catch {
      return session.down({ shared: true, reason: 'redis unavailable' });
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
