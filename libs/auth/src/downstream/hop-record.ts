import type { DownstreamFlow } from '../token-broker/token-broker.options';

/** Claims of the token a hop sent, decoded for display (the raw token never leaves the broker). */
export interface HopTokenClaims {
  aud?: string | string[];
  scp?: string;
  roles?: string[];
  azp?: string;
  oid?: string;
  idtyp?: string;
  amr?: string[];
  acrs?: string[];
  ver?: string;
  iat?: number;
  exp?: number;
}

/** One downstream call, as recorded in `RequestContext.current().hops` (docs/CONTRACTS.md). */
export interface HopRecord {
  from: string;
  to: string;
  flow: DownstreamFlow;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  token: { source: 'cache' | 'token-service' | 'refresh'; acquireMs: number; claims: HopTokenClaims };
  /** The callee's own hops, from its `x-chain-trace` response header. */
  children?: HopRecord[];
}
