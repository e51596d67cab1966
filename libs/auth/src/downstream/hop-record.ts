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
  /** B2C policy (user flow). */
  tfp?: string;
  /** Identity provider of a federated sign-in. */
  idp?: string;
  iat?: number;
  exp?: number;
}

/** One downstream call, as recorded in `RequestContext.current().hops` (docs/CONTRACTS.md); `flow` names how its token was obtained. */
export interface HopRecord {
  from: string;
  to: string;
  flow: DownstreamFlow;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  token: {
    source: 'cache' | 'token-service' | 'refresh';
    acquireMs: number;
    claims: HopTokenClaims;
    /** Verified delegation: the display claims of the user-delegation proof sent beside the token. */
    delegation?: HopTokenClaims;
  };
  /** The callee's own hops, from its `x-chain-trace` response header. */
  children?: HopRecord[];
}
