import type { MembershipSource } from '../config/program-service.config';
import { type Member, MemberRole } from './member.model';

/** What the token's app roles say about the caller's brokerage. */
export type BrokerageClaim =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly brokerage: string }
  | { readonly kind: 'several'; readonly brokerages: readonly string[] };

/**
 * Reads `<prefix><brokerage>` app roles (default `Broker.Northwind`). Entra puts a user's app-role
 * assignments on program-service's registration — direct or through a group — in the `roles` claim of the
 * delegated token program-service receives (https://learn.microsoft.com/graph/api/resources/approleassignment).
 */
export function brokerageFromRoles(roles: readonly string[], prefix: string): BrokerageClaim {
  const brokerages = [
    ...new Set(
      roles
        .filter((role) => role.startsWith(prefix) && role.length > prefix.length)
        .map((role) => role.slice(prefix.length)),
    ),
  ].sort();
  if (brokerages.length === 0) return { kind: 'none' };
  if (brokerages.length === 1) return { kind: 'one', brokerage: brokerages[0]! };
  return { kind: 'several', brokerages };
}

/** The caller's brokerage as program-service decided it, and where from. */
export interface Membership {
  /** Set for brokers. */
  readonly brokerage?: string;
  /** Where the brokerage came from; absent when the caller is no broker. */
  readonly source?: 'claims' | 'table';
  /** The token names several brokerages: a user belongs to one, so none is used (not_a_broker says why). */
  readonly conflictingRoles?: readonly string[];
}

/**
 * Applies `MEMBERSHIP_SOURCE`: the token's app roles, the members table row, or the token first and the
 * table when the token names no brokerage. A token naming several brokerages is never overridden by the table.
 */
export function decideMembership(
  source: MembershipSource,
  claim: BrokerageClaim,
  member: Member | undefined,
  prefix: string,
): Membership {
  const useClaims = source !== 'table';
  if (useClaims && claim.kind === 'one') return { brokerage: claim.brokerage, source: 'claims' };
  if (useClaims && claim.kind === 'several')
    return { conflictingRoles: claim.brokerages.map((brokerage) => `${prefix}${brokerage}`) };
  const useTable = source !== 'claims';
  if (useTable && member?.role === MemberRole.Broker && member.brokerage !== undefined)
    return { brokerage: member.brokerage, source: 'table' };
  return {};
}
