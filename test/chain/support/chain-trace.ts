import type { ChainTrace, HopRecord } from '@chain/contracts';

import type { ApiClient } from './bff-api';

/** A hop of `/api/chain`: the one definition, `HopRecord` of @chain/contracts. */
export type Hop = HopRecord;

/** A trace of `/api/chain`: one BFF request and its hops. */
export type Trace = ChainTrace;

/**
 * The caller's trace of the BFF request that carried `correlationId`. Polls briefly: the BFF may record
 * a trace as the response finishes, just after the client has read it.
 */
export async function traceOf(api: ApiClient, correlationId: string | null): Promise<Trace> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await api.get<{ traces: Trace[] }>('/api/chain');
    if (res.status !== 200) throw new Error(`/api/chain answered ${res.status}`);
    const trace = res.body.traces.find((t) => t.correlationId === correlationId);
    if (trace !== undefined) return trace;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no trace with correlation id ${String(correlationId)}`);
}

/** The first hop to `to` (matched on the downstream name, e.g. `program-service` or `PROGRAM`). */
export function hopTo(hops: readonly Hop[], to: string): Hop {
  const hop = hops.find((h) => h.to.toLowerCase().includes(to.toLowerCase()));
  if (hop === undefined) throw new Error(`no hop to ${to} among ${hops.map((h) => h.to).join(', ')}`);
  return hop;
}
