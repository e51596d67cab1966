import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { MembershipSource, programServiceConfig } from '../config/program-service.config';
import { MemberRepository } from './member.repository';
import { type BrokerageClaim, brokerageFromRoles, decideMembership, type Membership } from './membership';

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
    const member = needsTable ? await this.members.find(caller.tid, caller.oid) : undefined;
    return decideMembership(source, claim, member, prefix);
  }
}
