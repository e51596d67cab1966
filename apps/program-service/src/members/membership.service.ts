import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { programServiceConfig } from '../config/program-service.config';
import { MemberRepository } from './member.repository';
import { brokerageFromRoles, decideMembership, type Membership } from './membership';

/** Who the caller is in a brokerage: reads the token's app roles and/or the members table (`MEMBERSHIP_SOURCE`). */
@Injectable()
export class MembershipService {
  constructor(
    private readonly members: MemberRepository,
    @Inject(programServiceConfig.KEY) private readonly config: ConfigType<typeof programServiceConfig>,
  ) {}

  async of(caller: {
    readonly tid: string;
    readonly oid: string;
    readonly roles: readonly string[];
  }): Promise<Membership> {
    const prefix = this.config.MEMBERSHIP_BROKER_ROLE_PREFIX;
    const claim = brokerageFromRoles(caller.roles, prefix);
    const source = this.config.MEMBERSHIP_SOURCE;
    // The table is read only when the token cannot decide: no query for a token that names one brokerage.
    const needsTable = source === 'table' || (source === 'claims-then-table' && claim.kind === 'none');
    const member = needsTable ? await this.members.find(caller.tid, caller.oid) : undefined;
    return decideMembership(source, claim, member, prefix);
  }
}
