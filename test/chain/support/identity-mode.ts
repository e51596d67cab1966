import type { HopTokenClaims } from '@chain/contracts';
import { parseIdentityMode } from '@chain/local-tenant';
import { type Chain, type SignedIn, signIn } from '@chain/testing';

import { scopesOf } from './audiences';
import type { Hop } from './chain-trace';

/**
 * The identity mode of this run of the chain suite (scripts/test.mjs runs the suite once per mode with
 * `IDENTITY_MODE` set): the same tests, with what differs between the worlds said here once.
 */
export const MODE = parseIdentityMode(process.env['IDENTITY_MODE']);

/** B2C has no on-behalf-of: user-level downstreams are reached by verified delegation. */
export const DELEGATES = MODE === 'b2c';

/** How the BFF (and documents-service) reach a user-level downstream in this mode. */
export const USER_FLOW = DELEGATES ? 'verified-delegation' : 'on-behalf-of';

/** The emulator's counter key of the token request behind a user-level hop. */
export const USER_GRANT = DELEGATES ? 'client_credentials' : 'on_behalf_of';

/** The application permission a delegating caller holds on a user-level API (B2C registrations). */
export const DELEGATION_PERMISSION = 'Delegation.Act';

/**
 * The claims that name the user of a user-level hop: the downstream token's (on-behalf-of) or, with a
 * verified delegation, the proof's (the token is the caller's own).
 */
export function userClaimsOf(hop: Hop): HopTokenClaims {
  if (!DELEGATES) return hop.token.claims;
  if (hop.token.delegation === undefined) throw new Error(`hop to ${hop.to} carried no delegation proof`);
  return hop.token.delegation;
}

/**
 * A hop that spoke for `oid` with `scope`, from the caller `azp`: on-behalf-of, a token minted for the user;
 * verified delegation, the caller's own app token (its application permission in `scp`) plus a proof naming
 * the user with the delegated scope.
 */
export function expectUserHop(
  hop: Hop,
  want: { oid: unknown; azp: string; scope: string; status: number },
): void {
  expect(hop).toMatchObject({ flow: USER_FLOW, status: want.status });
  const user = userClaimsOf(hop);
  expect(scopesOf(user)).toContain(want.scope);
  expect(user).toMatchObject({ oid: want.oid, azp: want.azp });
  if (DELEGATES) {
    expect(hop.token.claims['azp']).toBe(want.azp);
    expect(hop.token.claims['oid']).not.toBe(want.oid);
    expect(scopesOf(hop.token.claims)).toEqual([DELEGATION_PERMISSION]);
  }
}

/**
 * Signs `user` in again so that program-service's approval step-up is met: with the challenge's claims
 * (Conditional Access, Entra ID and External ID) or through the user flow that enforces MFA (B2C).
 */
export function stepUp(chain: Chain, user: string, claims: string): Promise<SignedIn> {
  const mfaFlow = chain.identity.mfaPolicies[0];
  if (DELEGATES && mfaFlow !== undefined) return signIn(chain, user, { policy: mfaFlow, otp: '123456' });
  return signIn(chain, user, { claims, otp: '123456' });
}
