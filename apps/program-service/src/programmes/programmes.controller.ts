import { Principal, RequireAppRoles, RequireScopes, UserOnly } from '@chain/auth';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';

import { IdempotencyKey } from './idempotency-key.decorator';
import {
  CreateProgrammeDto,
  ListProgrammesQueryDto,
  ProgrammeDto,
  ProgrammeListDto,
  UpdateProgrammeDto,
} from './programme.dto';
import { ProgramAppRole, ProgramScope } from './programme.permissions';
import { ProgrammesService } from './programmes.service';

/** Programmes, reached by on-behalf-of tokens: every rule is about the signed-in user. */
@ApiTags('programmes')
@UserOnly()
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Get()
  @RequireScopes(ProgramScope.Read, ProgramScope.ReadWrite)
  @ApiOperation({
    summary: "Brokers: their brokerage's programmes; underwriters: every programme past draft",
  })
  async list(
    @Principal() user: Principal,
    @Query() query: ListProgrammesQueryDto,
  ): Promise<ProgrammeListDto> {
    return ProgrammeListDto.from(await this.programmes.list(user, query.status));
  }

  @Get(':id')
  @RequireScopes(ProgramScope.Read, ProgramScope.ReadWrite)
  @ApiOperation({ summary: 'One programme; 404 when it does not exist or is not visible to the caller' })
  async get(@Principal() user: Principal, @Param('id') id: string): Promise<ProgrammeDto> {
    return ProgrammeDto.from(await this.programmes.get(user, id));
  }

  @Post()
  @RequireScopes(ProgramScope.ReadWrite)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried create with the same key and terms answers the same programme; other terms → 422',
  })
  @ApiOperation({ summary: "Create a draft in the caller's brokerage (brokers only)" })
  async create(
    @Principal() user: Principal,
    @Body() body: CreateProgrammeDto,
    @IdempotencyKey() key: string | undefined,
  ): Promise<ProgrammeDto> {
    return ProgrammeDto.from(await this.programmes.create(user, body, key));
  }

  @Patch(':id')
  @RequireScopes(ProgramScope.ReadWrite)
  @ApiOperation({ summary: 'Edit a draft (owner only)' })
  async update(
    @Principal() user: Principal,
    @Param('id') id: string,
    @Body() body: UpdateProgrammeDto,
  ): Promise<ProgrammeDto> {
    return ProgrammeDto.from(await this.programmes.update(user, id, body));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequireScopes(ProgramScope.ReadWrite)
  @ApiOperation({ summary: 'Submit a draft for underwriting (owner only)' })
  async submit(@Principal() user: Principal, @Param('id') id: string): Promise<ProgrammeDto> {
    return ProgrammeDto.from(await this.programmes.submit(user, id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RequireScopes(ProgramScope.ReadWrite)
  @RequireAppRoles(ProgramAppRole.Underwriter)
  @ApiOperation({
    summary:
      'Approve a submitted programme (Underwriter, step-up: acrs c1 or amr mfa, else 401 claims challenge)',
  })
  async approve(@Principal() user: Principal, @Param('id') id: string): Promise<ProgrammeDto> {
    return ProgrammeDto.from(await this.programmes.approve(user, id));
  }
}
