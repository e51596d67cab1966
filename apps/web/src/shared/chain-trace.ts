/**
 * Shapes of `GET /api/chain` (docs/CONTRACTS.md): the one definition in @chain/contracts, shared with the
 * services; the claims are decoded by the BFF, never raw tokens. The SPA adds named constants for the
 * literal unions it branches on.
 */
import type { ChainTraceList, HopFlow, HopTokenClaims, HopTokenSource } from '@chain/contracts';

export type { ChainTrace, HopRecord } from '@chain/contracts';

/**
 * How a caller reached a downstream: on-behalf-of (a token minted for the user, Entra ID and External ID),
 * client credentials (the app alone), or verified delegation (B2C, which has no on-behalf-of: the caller's
 * client-credentials token plus a user proof it signed; docs/auth.md).
 */
export const Flow = {
  OnBehalfOf: 'on-behalf-of',
  ClientCredentials: 'client-credentials',
  VerifiedDelegation: 'verified-delegation',
} as const satisfies Record<string, HopFlow>;
export type Flow = HopFlow;

export const TokenSource = {
  Cache: 'cache',
  TokenService: 'token-service',
  Refresh: 'refresh',
} as const satisfies Record<string, HopTokenSource>;
export type TokenSource = HopTokenSource;

/** The display claims of a hop's token. */
export type HopClaims = HopTokenClaims;

/** Answer of `GET /api/chain`. */
export type ChainResponse = ChainTraceList;
