import { AllowedCallers, AppOnly, RequireAppRoles } from '@chain/auth';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { PRICING_CALLERS } from '../common/pricing-callers';
import { PricingAppRole } from '../common/pricing-catalogue';
import { RateListDto, RatesQueryDto } from './rate.dto';
import { RatesService } from './rates.service';

/** Reference rates, for trusted applications (client credentials). */
@ApiTags('rates')
@AppOnly()
@RequireAppRoles(PricingAppRole.ReadAll)
@AllowedCallers(PRICING_CALLERS)
@Controller('rates')
export class RatesController {
  constructor(private readonly rates: RatesService) {}

  @Get()
  @ApiOperation({ summary: 'Reference rates, optionally filtered by line of business and region' })
  async list(@Query() query: RatesQueryDto): Promise<RateListDto> {
    return RateListDto.from(await this.rates.list(query));
  }
}
