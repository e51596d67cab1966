/**
 * Shapes of `GET /api/chain` (docs/CONTRACTS.md). Mirrored here because the SPA cannot import
 * `@chain/auth` (a Nest library); the claims are decoded by the BFF, never raw tokens.
 */
/**
 * How a caller reached a downstream: on-behalf-of (a token minted for the user, Entra ID and External ID),
 * client credentials (the app alone), or verified delegation (B2C, which has no on-behalf-of: the caller's
 * client-credentials token plus a user proof it signed; docs/auth.md).
 */
export const Flow = {
  OnBehalfOf: 'on-behalf-of',
  ClientCredentials: 'client-credentials',
  VerifiedDelegation: 'verified-delegation',
} as const;
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
  /** B2C: the user flow that issued the token (its MFA flow after a step-up). */
  readonly tfp?: string;
  /** B2C: the social identity provider the user signed in with (`google.com`). */
  readonly idp?: string;
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
  readonly token: {
    readonly source: TokenSource;
    readonly acquireMs: number;
    readonly claims: HopClaims;
    /** Verified delegation: the display claims of the user proof sent beside the (app) token. */
    readonly delegation?: HopClaims;
  };
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
