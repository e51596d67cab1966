import type { ReadinessIndicator } from '@chain/platform';
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

import { BlobStore } from './blob-store';

/** Time budget of the readiness probe. */
const PROBE_TIMEOUT_MS = 2_000;

/** Ready when the documents container answers (it is created first if it is still missing). */
@Injectable()
export class BlobStorageHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly store: BlobStore,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('blobStorage');
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    try {
      await this.store.probe(signal);
      return session.up();
    } catch {
      // The reason only: a storage error message may carry the account URL.
      return session.down({ reason: signal.aborted ? 'timeout' : 'unreachable' });
    }
  }
}
