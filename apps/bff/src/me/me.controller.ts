import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { BffScope } from '../common/bff-catalogue';
import { MeDto } from './me.dto';

/** Who is signed in, read from the validated token alone (no downstream call). */
@ApiTags('me')
@UserOnly()
@RequireScopes(BffScope.AccessAsUser)
@Controller('api/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The signed-in user: oid, tenant, name, scopes, roles, amr, acrs' })
  me(@Principal() user: Principal): MeDto {
    return MeDto.from(user);
  }
}
