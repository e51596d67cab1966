import type { HopRecord } from '@chain/auth';
import { Injectable } from '@nestjs/common';

/** One BFF request and the downstream calls it made (CONTRACTS.md `GET /api/chain`). */
export interface ChainTrace {
  readonly correlationId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** ISO 8601 time the BFF received the request. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** Decoded claims of each downstream token, never a token. */
  readonly hops: readonly HopRecord[];
}

/** Traces kept per user (CONTRACTS.md: the last 20 of the caller). */
export const TRACES_PER_USER = 20;
/** Users whose traces are kept; the least recently active are forgotten first. */
export const MAX_TRACED_USERS = 1_000;

/**
 * The last {@link TRACES_PER_USER} traces of each user (by `oid`), in memory: a demo inspector for
 * local setups (`CHAIN_TRACE=true`), bounded so that it cannot grow with traffic.
 */
@Injectable()
export class ChainTraceStore {
  private readonly byUser = new Map<string, ChainTrace[]>();

  record(oid: string, trace: ChainTrace): void {
    const traces = this.byUser.get(oid) ?? [];
    this.byUser.delete(oid);
    this.byUser.set(oid, [trace, ...traces].slice(0, TRACES_PER_USER));
    if (this.byUser.size > MAX_TRACED_USERS) {
      const oldest = this.byUser.keys().next().value;
      if (oldest !== undefined) this.byUser.delete(oldest);
    }
  }

  /** The user's traces, newest first. */
  list(oid: string): readonly ChainTrace[] {
    return this.byUser.get(oid) ?? [];
  }
}
