/**
 * @chain/contracts: the shapes the services share with each other and with the browser — types only, no
 * runtime code and no dependencies, so that apps/web, the services and libs/auth import the one definition
 * (docs/CONTRACTS.md). A runtime check of a shape (a zod schema) lives beside the code that parses it and is
 * checked against the type here at compile time.
 */

/**
 * How a caller reached a downstream: on-behalf-of (a token minted for the user, Entra ID and External ID),
 * client credentials (the app alone), or verified delegation (B2C, which has no on-behalf-of: the caller's
 * client-credentials token plus a user proof it signed; docs/auth.md).
 */
export type HopFlow = 'on-behalf-of' | 'client-credentials' | 'verified-delegation';

/** Where a hop's token came from: the broker's cache, the token service, or a refresh-ahead. */
export type HopTokenSource = 'cache' | 'token-service' | 'refresh';

/** Claims of the token a hop sent, decoded for display (the raw token never leaves the broker). */
export interface HopTokenClaims {
  readonly aud?: string | readonly string[];
  readonly scp?: string;
  readonly roles?: readonly string[];
  readonly azp?: string;
  readonly oid?: string;
  readonly idtyp?: string;
  readonly amr?: readonly string[];
  readonly acrs?: readonly string[];
  readonly ver?: string;
  /** B2C: the user flow (policy) that issued the token (its MFA flow after a step-up). */
  readonly tfp?: string;
  /** Identity provider of a federated sign-in (`google.com`). */
  readonly idp?: string;
  readonly iat?: number;
  readonly exp?: number;
}

/** One downstream call a service made while answering a request; `flow` names how its token was obtained. */
export interface HopRecord {
  readonly from: string;
  readonly to: string;
  readonly flow: HopFlow;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly token: {
    readonly source: HopTokenSource;
    readonly acquireMs: number;
    readonly claims: HopTokenClaims;
    /** Verified delegation: the display claims of the user-delegation proof sent beside the token. */
    readonly delegation?: HopTokenClaims;
  };
  /** The callee's own hops, from its `x-chain-trace` response header. */
  readonly children?: readonly HopRecord[];
}

/**
 * Response header in which a callee with `CHAIN_TRACE=true` returns its own hops: base64url of the JSON
 * `HopRecord[]`. A type, so that each side's constant is checked against it.
 */
export type ChainTraceHeader = 'x-chain-trace';

/** One BFF request and the downstream calls it made (`GET /api/chain`). */
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

/** Answer of `GET /api/chain`: the caller's traces, newest first. */
export interface ChainTraceList {
  readonly traces: readonly ChainTrace[];
}
