import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LRUCache } from 'lru-cache';

import { MembershipSource, programServiceConfig } from '../config/program-service.config';
import type { Member } from './member.model';
import { MemberRepository } from './member.repository';
import { type BrokerageClaim, brokerageFromRoles, decideMembership, type Membership } from './membership';

/**
 * How long a members-table row read for a caller is reused: the membership query was a per-request cost of
 * every programme call (docs/performance.md P2). Only found rows are kept, so a member just added counts at
 * once; a change or removal made through `/members` is seen at once by this process
 * ({@link MembershipService.forget}), one made by another replica or `npm run members` within this many
 * milliseconds.
 */
export const MEMBERSHIP_CACHE_TTL_MS = 5_000;
const MEMBERSHIP_CACHE_MAX_ENTRIES = 10_000;

/** The parts of a validated user the membership rules read (a `Principal` satisfies it). */
export interface MembershipCaller {
  readonly tid: string;
  readonly oid: string;
  readonly roles: readonly string[];
  /** Set when the user was conveyed by verified delegation (B2C): the calling app that vouched. */
  readonly delegatedBy?: string | undefined;
}

/**
 * Who the caller is in a brokerage: the token's `Broker.<brokerage>` app roles and/or the members table
 * (`MEMBERSHIP_SOURCE`). A user conveyed by verified delegation carries roles as the calling app read them
 * (docs/auth.md "What the downstream now trusts the caller for"): their `Broker.*` roles are ignored, so
 * that no caller can grant a brokerage; only the table can.
 */
@Injectable()
export class MembershipService {
  private readonly rows = new LRUCache<string, Member>({
    max: MEMBERSHIP_CACHE_MAX_ENTRIES,
    ttl: MEMBERSHIP_CACHE_TTL_MS,
    perf: Date, // the wall clock (a test can move it), not performance.now
  });

  constructor(
    private readonly members: MemberRepository,
    @Inject(programServiceConfig.KEY) private readonly config: ConfigType<typeof programServiceConfig>,
  ) {}

  async of(caller: MembershipCaller): Promise<Membership> {
    const prefix = this.config.MEMBERSHIP_BROKER_ROLE_PREFIX;
    const delegated = caller.delegatedBy !== undefined;
    const claim: BrokerageClaim = delegated ? { kind: 'none' } : brokerageFromRoles(caller.roles, prefix);
    const source = this.config.MEMBERSHIP_SOURCE;
    // The table is read only when the token cannot decide: no query for a token that names one brokerage.
    const needsTable =
      source === MembershipSource.Table ||
      (source === MembershipSource.ClaimsThenTable && claim.kind === 'none');
    const member = needsTable ? await this.row(caller.tid, caller.oid) : undefined;
    return decideMembership(source, claim, member, prefix);
  }

  /** Drops the cached row of `(tid, oid)`: call after changing it. */
  forget(tid: string, oid: string): void {
    this.rows.delete(keyOf(tid, oid));
  }

  private async row(tid: string, oid: string): Promise<Member | undefined> {
    const key = keyOf(tid, oid);
    const cached = this.rows.get(key);
    if (cached !== undefined) return cached;
    const member = await this.members.find(tid, oid);
    // Only a row is kept: a user just added (by `npm run members`, another replica) counts at once.
    if (member !== undefined) this.rows.set(key, member);
    return member;
  }
}

function keyOf(tid: string, oid: string): string {
  return `${tid}\n${oid}`;
}
