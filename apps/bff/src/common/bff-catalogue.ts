/** Names of the downstream APIs the BFF calls, as declared in `DOWNSTREAM_APIS__<NAME>__*` (CONTRACTS.md). */
export const BFF_DOWNSTREAMS = {
  /** program-service, on behalf of the user (user-level rules live there). */
  Program: 'PROGRAM',
  /** documents-service, on behalf of the user (it checks the programme again: the second hop). */
  Documents: 'DOCUMENTS',
  /** pricing-service, as the BFF itself (client credentials: reference data, no user rules). */
  Pricing: 'PRICING',
} as const;

export type BffDownstream = (typeof BFF_DOWNSTREAMS)[keyof typeof BFF_DOWNSTREAMS];

/** The delegated scope of the BFF's own API (`api://bff/access_as_user`): what the SPA asks for. */
export const BffScope = { AccessAsUser: 'access_as_user' } as const;

export type BffScope = (typeof BffScope)[keyof typeof BffScope];
