import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { BffScope } from '../common/bff-catalogue';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotent.decorator';
import { ResourceIdPipe } from '../common/resource-id.pipe';
import {
  CreateProgrammeDto,
  ListProgrammesQueryDto,
  ProgrammeDto,
  ProgrammeListDto,
  ProgrammeQuoteDto,
  UpdateProgrammeDto,
} from './programme.dto';
import { ProgrammesService } from './programmes.service';

/** Programmes, through program-service on behalf of the user; quotes add pricing-service as the app. */
@ApiTags('programmes')
@UserOnly()
@RequireScopes(BffScope.AccessAsUser)
@Controller('api/programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Get()
  @ApiOperation({ summary: 'Programmes the user may see (program-service, on-behalf-of)' })
  list(@Principal() user: Principal, @Query() query: ListProgrammesQueryDto): Promise<ProgrammeListDto> {
    return this.programmes.list(user, query.status);
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: "Create a draft in the user's brokerage (brokers only)" })
  create(
    @Principal() user: Principal,
    @Body() body: CreateProgrammeDto,
    @IdempotencyKey() key: string | undefined,
  ): Promise<ProgrammeDto> {
    return this.programmes.create(user, body, key);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One programme; 404 when absent or not visible to the user' })
  get(@Principal() user: Principal, @Param('id', ResourceIdPipe) id: string): Promise<ProgrammeDto> {
    return this.programmes.get(user, id);
  }

  @Patch(':id')
  @Idempotent()
  @ApiOperation({ summary: 'Edit a draft (owner only)' })
  update(
    @Principal() user: Principal,
    @Param('id', ResourceIdPipe) id: string,
    @Body() body: UpdateProgrammeDto,
  ): Promise<ProgrammeDto> {
    return this.programmes.update(user, id, body);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Submit a draft for underwriting (owner only)' })
  submit(@Principal() user: Principal, @Param('id', ResourceIdPipe) id: string): Promise<ProgrammeDto> {
    return this.programmes.submit(user, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary:
      "Approve (Underwriter); without a multi-factor token: 401 with program-service's claims challenge",
  })
  approve(@Principal() user: Principal, @Param('id', ResourceIdPipe) id: string): Promise<ProgrammeDto> {
    return this.programmes.approve(user, id);
  }

  @Get(':id/quote')
  @ApiOperation({
    summary: 'The programme (on-behalf-of) and its premium (client credentials), in one request',
  })
  quote(@Principal() user: Principal, @Param('id', ResourceIdPipe) id: string): Promise<ProgrammeQuoteDto> {
    return this.programmes.quote(user, id);
  }
}
