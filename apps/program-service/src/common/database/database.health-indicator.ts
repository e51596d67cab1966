import type { ReadinessIndicator } from '@chain/platform';
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

import { SqlClient } from './sql.client';

/** Time budget of the readiness query. */
const PROBE_TIMEOUT_MS = 2_000;

/** Ready when the database answers `SELECT 1` within the budget. */
@Injectable()
export class DatabaseHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly sql: SqlClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('database');
    try {
      await withTimeout(this.sql.query('SELECT 1 AS ok'), PROBE_TIMEOUT_MS);
      return session.up({ engine: this.sql.engine });
    } catch (error) {
      const reason = error instanceof ProbeTimeout ? 'timeout' : 'query failed';
      return session.down({ engine: this.sql.engine, reason });
    }
  }
}

class ProbeTimeout extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
