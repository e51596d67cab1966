import { Module } from '@nestjs/common';

import { MemberRepository } from './member.repository';
import { MembersController } from './members.controller';
import { MembershipService } from './membership.service';
import { SqlMemberRepository } from './sql-member.repository';

/**
 * Who belongs to which brokerage: `Broker.<brokerage>` app roles and/or the members table
 * (`MEMBERSHIP_SOURCE`), read by the programme rules; Underwriters fill the table through `/members`.
 */
@Module({
  controllers: [MembersController],
  providers: [{ provide: MemberRepository, useClass: SqlMemberRepository }, MembershipService],
  exports: [MemberRepository, MembershipService],
})
export class MembersModule {}
