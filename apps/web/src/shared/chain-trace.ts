/**
 * Shapes of `GET /api/chain` (docs/CONTRACTS.md). Mirrored here because the SPA cannot import
 * `@chain/auth` (a Nest library); the claims are decoded by the BFF, never raw tokens.
 */
export const Flow = { OnBehalfOf: 'on-behalf-of', ClientCredentials: 'client-credentials' } as const;
export type Flow = (typeof Flow)[keyof typeof Flow];

export const TokenSource = { Cache: 'cache', TokenService: 'token-service', Refresh: 'refresh' } as const;
export type TokenSource = (typeof TokenSource)[keyof typeof TokenSource];

export interface HopClaims {
  readonly aud?: string;
  readonly scp?: string;
  readonly roles?: readonly string[];
  readonly azp?: string;
  readonly oid?: string;
  readonly idtyp?: string;
  readonly amr?: readonly string[];
  readonly acrs?: readonly string[];
  readonly ver?: string;
  readonly iat?: number;
  readonly exp?: number;
}

export interface HopRecord {
  readonly from: string;
  readonly to: string;
  readonly flow: Flow;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly token: { readonly source: TokenSource; readonly acquireMs: number; readonly claims: HopClaims };
  readonly children?: readonly HopRecord[];
}

export interface ChainTrace {
  readonly correlationId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly hops: readonly HopRecord[];
}

export interface ChainResponse {
  readonly traces: readonly ChainTrace[];
}
