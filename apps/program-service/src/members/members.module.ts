import { Module } from '@nestjs/common';

import { MemberRepository } from './member.repository';
import { SqlMemberRepository } from './sql-member.repository';

/** The members table (who belongs to which brokerage); read by the programme rules. */
@Module({
  providers: [{ provide: MemberRepository, useClass: SqlMemberRepository }],
  exports: [MemberRepository],
})
export class MembersModule {}
