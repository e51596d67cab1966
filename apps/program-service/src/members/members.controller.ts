import { Principal, RequireAppRoles, RequireScopes, UserOnly } from '@chain/auth';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { MembershipSource, programServiceConfig } from '../config/program-service.config';
import { ProgramAppRole, ProgramScope } from '../programmes/programme.permissions';
import { MemberDto, PutMemberDto } from './member.dto';
import { MemberRole } from './member.model';
import { MemberRepository } from './member.repository';
import {
  MalformedMemberIdError,
  MemberNotFoundError,
  MembersTableUnusedError,
  OtherTenantMemberError,
} from './members.errors';
import { MembershipService } from './membership.service';

const guid = (parameter: 'tid' | 'oid') =>
  new ParseUUIDPipe({ exceptionFactory: () => new MalformedMemberIdError(parameter) });

/**
 * The admin path to the members table (the alternative to `Broker.<brokerage>` app roles, docs/configuration.md
 * "Who is a broker"): Underwriters of a tenant make its users brokers of a brokerage.
 */
@ApiTags('members')
@UserOnly()
@RequireAppRoles(ProgramAppRole.Underwriter)
@Controller('members')
export class MembersController {
  constructor(
    private readonly members: MemberRepository,
    private readonly membership: MembershipService,
    @Inject(programServiceConfig.KEY) private readonly config: ConfigType<typeof programServiceConfig>,
  ) {}

  @Get(':tid/:oid')
  @RequireScopes(ProgramScope.Read, ProgramScope.ReadWrite)
  @ApiOperation({ summary: 'One row of the members table (Underwriter, own tenant)' })
  async get(
    @Principal() user: Principal,
    @Param('tid', guid('tid')) tid: string,
    @Param('oid', guid('oid')) oid: string,
  ): Promise<MemberDto> {
    ownTenant(user, tid);
    const member = await this.members.find(tid, oid);
    if (member === undefined) throw new MemberNotFoundError();
    return MemberDto.from(member);
  }

  @Put(':tid/:oid')
  @RequireScopes(ProgramScope.ReadWrite)
  @ApiOperation({
    summary: 'Make a user a broker of a brokerage, or move them to another (Underwriter, own tenant)',
  })
  async put(
    @Principal() user: Principal,
    @Param('tid', guid('tid')) tid: string,
    @Param('oid', guid('oid')) oid: string,
    @Body() body: PutMemberDto,
  ): Promise<MemberDto> {
    ownTenant(user, tid);
    if (this.config.MEMBERSHIP_SOURCE === MembershipSource.Claims)
      throw new MembersTableUnusedError(this.config.MEMBERSHIP_BROKER_ROLE_PREFIX);
    const member = {
      tid,
      oid,
      role: MemberRole.Broker,
      brokerage: body.brokerage,
      ...(body.displayName === undefined ? {} : { displayName: body.displayName.trim() }),
    };
    await this.members.save(member);
    this.membership.forget(member.tid, member.oid);
    return MemberDto.from(member);
  }

  @Delete(':tid/:oid')
  @HttpCode(204)
  @RequireScopes(ProgramScope.ReadWrite)
  @ApiOperation({ summary: 'Remove a user from the members table (Underwriter, own tenant)' })
  async remove(
    @Principal() user: Principal,
    @Param('tid', guid('tid')) tid: string,
    @Param('oid', guid('oid')) oid: string,
  ): Promise<void> {
    ownTenant(user, tid);
    const removed = await this.members.remove(tid, oid);
    this.membership.forget(tid, oid);
    if (!removed) throw new MemberNotFoundError();
  }
}

function ownTenant(user: Principal, tid: string): void {
  if (user.tid.toLowerCase() !== tid.toLowerCase()) throw new OtherTenantMemberError();
}
