import { AppOnly, RequireAppRoles } from '@chain/auth';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { PricingAppRole } from '../common/pricing-catalogue';
import { RateListDto, RatesQueryDto } from './rate.dto';
import { RatesService } from './rates.service';

/** Reference rates, for trusted applications (client credentials; allow-list applied by AppModule). */
@ApiTags('rates')
@AppOnly()
@RequireAppRoles(PricingAppRole.ReadAll)
@Controller('rates')
export class RatesController {
  constructor(private readonly rates: RatesService) {}

  @Get()
  @ApiOperation({ summary: 'Reference rates, optionally filtered by line of business and region' })
  async list(@Query() query: RatesQueryDto): Promise<RateListDto> {
    return RateListDto.from(await this.rates.list(query));
  }
}
