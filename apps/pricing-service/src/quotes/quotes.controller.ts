import { AppOnly, RequireAppRoles } from '@chain/auth';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { PricingAppRole } from '../common/pricing-catalogue';
import { CreateQuoteDto, QuoteDto } from './quote.dto';
import { QuotesService } from './quotes.service';

/** Quotes from the reference rates, for trusted applications (client credentials; allow-list applied by AppModule). */
@ApiTags('quotes')
@AppOnly()
@RequireAppRoles(PricingAppRole.ReadAll)
@Controller('quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'premium = max(minimumPremium, insuredValue × ratePerMille / 1000), to the cent' })
  async create(@Body() body: CreateQuoteDto): Promise<QuoteDto> {
    return QuoteDto.from(await this.quotes.quote(body));
  }
}
