import type { ChainTrace } from '@chain/contracts';
import { Injectable } from '@nestjs/common';

export type { ChainTrace };

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
