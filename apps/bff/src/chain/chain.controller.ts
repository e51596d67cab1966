import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { BffScope } from '../common/bff-catalogue';
import { ChainTraceListDto } from './chain-trace.dto';
import { ChainTraceStore } from './chain-trace.store';

/** The call-chain inspector (local/demo only: the module exists only with `CHAIN_TRACE=true`). */
@ApiTags('chain')
@UserOnly()
@RequireScopes(BffScope.AccessAsUser)
@Controller('api/chain')
export class ChainController {
  constructor(private readonly store: ChainTraceStore) {}

  @Get()
  @ApiOperation({
    summary:
      "The caller's last 20 requests, each with its hops: flow, audience, scopes/roles, azp, cache, timing",
  })
  traces(@Principal() user: Principal): ChainTraceListDto {
    return { traces: [...this.store.list(user.oid)] };
  }
}
