import { z } from 'zod';

/** Endpoints a fault can target. */
export const FaultEndpoint = {
  Token: 'token',
  Keys: 'keys',
  Discovery: 'discovery',
  Authorize: 'authorize',
} as const;
export type FaultEndpoint = (typeof FaultEndpoint)[keyof typeof FaultEndpoint];

/** One injected fault: delay the answer, answer with a status (429/5xx, optionally Retry-After), or drop the connection. */
export interface Fault {
  readonly latencyMs?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly drop?: boolean;
}

/** `POST /_admin/faults` body (CONTRACTS.md); `match.endpoint` defaults to the token endpoint. */
export const faultRuleSchema = z
  .object({
    match: z
      .object({
        grant: z.string().optional(),
        clientId: z.string().optional(),
        endpoint: z
          .enum([FaultEndpoint.Token, FaultEndpoint.Keys, FaultEndpoint.Discovery, FaultEndpoint.Authorize])
          .optional(),
      })
      .strict()
      .optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    status: z.number().int().min(400).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    drop: z.literal(true).optional(),
    /** How many matching requests the rule applies to; unlimited when absent. */
    count: z.number().int().min(1).optional(),
  })
  .strict()
  .refine(
    (r) => r.latencyMs !== undefined || r.status !== undefined || r.drop === true,
    'give latencyMs, status or drop',
  );
export type FaultRule = z.infer<typeof faultRuleSchema>;

export interface FaultTarget {
  readonly endpoint: FaultEndpoint;
  readonly grant?: string;
  readonly clientId?: string;
}

/** Fault rules set through the admin API; the first matching rule applies. */
export class FaultInjector {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  take(target: FaultTarget): Fault | undefined {
    const entry = this.rules.find(({ rule }) => matches(rule, target));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules = this.rules.filter((r) => r !== entry);
    const { latencyMs, status, retryAfterSeconds, drop } = entry.rule;
    return { latencyMs, status, retryAfterSeconds, drop };
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  const match = rule.match ?? {};
  if ((match.endpoint ?? FaultEndpoint.Token) !== target.endpoint) return false;
  if (match.grant !== undefined && match.grant !== target.grant) return false;
  return match.clientId === undefined || match.clientId.toLowerCase() === target.clientId?.toLowerCase();
}

/**
 * The per-request `fault-inject` header (like Azurite's): `<status>[;retry-after=<s>]`, `latency=<ms>` or `drop`.
 * Anything else is ignored.
 */
export function parseFaultHeader(value: string | string[] | undefined): Fault | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'drop') return { drop: true };
  const latency = /^latency=(\d{1,6})$/.exec(text);
  if (latency) return { latencyMs: Number(latency[1]) };
  const status = /^([45]\d\d)(?:;\s*retry-after=(\d{1,4}))?$/.exec(text);
  if (!status) return undefined;
  return {
    status: Number(status[1]),
    retryAfterSeconds: status[2] === undefined ? undefined : Number(status[2]),
  };
}
