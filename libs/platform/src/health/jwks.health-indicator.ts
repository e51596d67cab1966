import { TransportFailure } from '@chain/auth';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

import { PLATFORM_OPTIONS, type PlatformModuleOptions } from '../platform.options';
import { HttpProbe } from './http-probe.adapter';
import type { ReadinessIndicator } from './readiness-indicator';

/** Default time budget of the JWKS probe; readiness must answer fast even when the IdP does not. */
export const DEFAULT_JWKS_PROBE_TIMEOUT_MS = 2_000;

/**
 * Ready only when the token issuer's signing keys can be fetched: without them no token validates.
 * Up when the JWKS answers 200 with at least one key. Down names the cause (`reason`, and the TLS/DNS/
 * connection code as `cause`), and a warning with the fix is logged once per new cause, not per probe.
 */
@Injectable()
export class JwksHealthIndicator implements ReadinessIndicator {
  private readonly logger = new Logger('JwksHealthIndicator');
  private lastLogged?: string;

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
    if (!result.ok) {
      const cause = result.cause === undefined ? {} : { cause: result.cause };
      this.logDown(jwksUri, result.reason, result.cause);
      return session.down({ reason: result.reason, ...cause });
    }
    if (result.status !== 200) {
      this.logDown(jwksUri, `status ${result.status}`);
      return session.down({ reason: `status ${result.status}` });
    }
    if (keyCount(result.body) === 0) {
      this.logDown(jwksUri, 'no keys');
      return session.down({ reason: 'no keys' });
    }
    this.lastLogged = undefined;
    return session.up({ keys: keyCount(result.body) });
  }

  private logDown(jwksUri: string, reason: string, code?: string): void {
    const what = code === undefined ? reason : `${reason} (${code})`;
    if (this.lastLogged === what) return;
    this.lastLogged = what;
    const hint = describeDown(jwksUri, reason, code);
    this.logger.warn(
      `not ready: the signing keys at ${jwksUri} (AUTH_JWKS_URI) cannot be fetched: ${what}${hint}`,
    );
  }
}

function describeDown(jwksUri: string, reason: string, code: string | undefined): string {
  if (reason.startsWith('status') || reason === 'no keys')
    return `. Hint: check that AUTH_JWKS_URI is the issuer's keys address (its discovery document's jwks_uri)`;
  if (code === undefined) return '';
  const hint = TransportFailure.hint(TransportFailure.causeOf(code), {
    host: TransportFailure.hostOf(jwksUri),
    addressSetting: 'AUTH_JWKS_URI',
  });
  return hint === undefined ? '' : `. Hint: ${hint}`;
}

function keyCount(body: unknown): number {
  if (typeof body !== 'object' || body === null || !('keys' in body)) return 0;
  const keys: unknown = body.keys;
  return Array.isArray(keys) ? keys.length : 0;
}
