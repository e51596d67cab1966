import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

import { PLATFORM_OPTIONS, type PlatformModuleOptions } from '../platform.options';
import { HttpProbe } from './http-probe.adapter';
import type { ReadinessIndicator } from './readiness-indicator';

/** Default time budget of the JWKS probe; readiness must answer fast even when the IdP does not. */
export const DEFAULT_JWKS_PROBE_TIMEOUT_MS = 2_000;

/**
 * Ready only when the token issuer's signing keys can be fetched: without them no token validates.
 * Up when the JWKS answers 200 with at least one key.
 */
@Injectable()
export class JwksHealthIndicator implements ReadinessIndicator {
  constructor(
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions,
    private readonly probe: HttpProbe,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('jwks');
    const jwksUri = this.options.jwksUri;
    if (jwksUri === undefined) return session.up({ checked: false });
    const result = await this.probe.getJson(
      jwksUri,
      this.options.jwksProbeTimeoutMs ?? DEFAULT_JWKS_PROBE_TIMEOUT_MS,
    );
    if (!result.ok) return session.down({ reason: result.reason });
    if (result.status !== 200) return session.down({ reason: `status ${result.status}` });
    return keyCount(result.body) > 0
      ? session.up({ keys: keyCount(result.body) })
      : session.down({ reason: 'no keys' });
  }
}

function keyCount(body: unknown): number {
  if (typeof body !== 'object' || body === null || !('keys' in body)) return 0;
  const keys: unknown = body.keys;
  return Array.isArray(keys) ? keys.length : 0;
}
