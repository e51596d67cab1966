import type { ChainTraceHeader, HopRecord, HopTokenClaims } from '@chain/contracts';
import { z } from 'zod';

/** Response header in which a callee with `CHAIN_TRACE=true` returns its own hops (@chain/contracts). */
export const CHAIN_TRACE_HEADER: ChainTraceHeader = 'x-chain-trace';

/** Largest header value accepted when parsing, in characters (base64url). */
const MAX_HEADER_CHARS = 16_384;
const MAX_DEPTH = 8;

const claimsSchema = z
  .object({
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    scp: z.string().optional(),
    roles: z.array(z.string()).optional(),
    azp: z.string().optional(),
    oid: z.string().optional(),
    idtyp: z.string().optional(),
    amr: z.array(z.string()).optional(),
    acrs: z.array(z.string()).optional(),
    ver: z.string().optional(),
    tfp: z.string().optional(),
    idp: z.string().optional(),
    iat: z.number().optional(),
    exp: z.number().optional(),
  })
  .strip();

/**
 * The schema is checked against the one definition of the shape (@chain/contracts) both ways at compile
 * time: a member added to, removed from or retyped in either fails `npm run lint`.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Writable<V> = V extends readonly (infer E)[] ? E[] : V;
type Mutable<T> = { -readonly [K in keyof T]: Writable<T[K]> };
type Parsed = z.infer<typeof claimsSchema>;
const claimsMatchContract: Same<Parsed, Mutable<HopTokenClaims>> = true;
void claimsMatchContract;

const hopSchema: z.ZodType<HopRecord, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.object({
    from: z.string().max(200),
    to: z.string().max(200),
    flow: z.enum(['on-behalf-of', 'client-credentials', 'verified-delegation']),
    method: z.string().max(16),
    path: z.string().max(2_048),
    status: z.number().int(),
    durationMs: z.number(),
    token: z.object({
      source: z.enum(['cache', 'token-service', 'refresh']),
      acquireMs: z.number(),
      claims: claimsSchema,
      delegation: claimsSchema.optional(),
    }),
    children: z.array(hopSchema).max(64).optional(),
  }),
);

/**
 * Parses a callee's `x-chain-trace` header; `undefined` when absent, oversized, too deep or malformed
 * (a callee's trace is informational and never fails a call).
 */
export function decodeChainTrace(header: string | undefined): HopRecord[] | undefined {
  if (!header || header.length > MAX_HEADER_CHARS) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (depth(parsed) > MAX_DEPTH) return undefined;
    const result = z.array(hopSchema).max(64).safeParse(parsed);
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function depth(value: unknown): number {
  if (!Array.isArray(value)) return 0;
  let deepest = 0;
  for (const hop of value) {
    const children =
      hop !== null && typeof hop === 'object' ? (hop as { children?: unknown }).children : undefined;
    deepest = Math.max(deepest, depth(children));
  }
  return deepest + 1;
}
