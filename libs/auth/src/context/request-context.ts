import { AsyncLocalStorage } from 'node:async_hooks';

import type { HopRecord } from '@chain/contracts';

/** What one inbound request carries through the chain (docs/CONTRACTS.md "context"). */
export interface RequestContextData {
  /** `x-correlation-id`, accepted from the caller when well-formed, else generated. */
  readonly correlationId: string;
  /** W3C `traceparent` of the inbound request, when sent. */
  readonly traceparent?: string;
  /**
   * When the request was received (epoch ms): the start of its time budget, shared by its token
   * acquisitions and downstream calls (`requestDeadline`). Absent → each call starts its own budget.
   */
  readonly receivedAtMs?: number;
  /**
   * The downstream calls this request made, appended by the downstream client — only once something asked
   * for them ({@link RequestContext.recordHops}: the call-chain inspector, `CHAIN_TRACE=true`). Absent, the
   * downstream client builds no hop record and decodes no token.
   */
  readonly hops?: HopRecord[];
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** Request-scoped context on AsyncLocalStorage, so libraries need no request object. */
export const RequestContext = {
  /** Runs `fn` with `context` as the current context. */
  run<T>(context: RequestContextData, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** The current request's context, or undefined outside a request. */
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  /** Starts recording the current request's hops (idempotent) and returns the list; undefined outside a request. */
  recordHops(): HopRecord[] | undefined {
    const context = storage.getStore() as { hops?: HopRecord[] } | undefined;
    if (context === undefined) return undefined;
    context.hops ??= [];
    return context.hops;
  },
} as const;
