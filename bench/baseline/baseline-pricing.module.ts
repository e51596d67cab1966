import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsIn, IsNumber, IsPositive } from 'class-validator';

const LINES = ['property', 'marine', 'casualty', 'cyber'] as const;
const REGIONS = ['uk', 'eu', 'us', 'apac'] as const;

export class BaselineQuoteRequest {
  @IsIn(LINES) lineOfBusiness!: (typeof LINES)[number];
  @IsIn(REGIONS) region!: (typeof REGIONS)[number];
  @IsNumber() @IsPositive() insuredValue!: number;
}

/** `POST /quotes` of pricing-service, without authentication or the caller allow-list. */
@Controller('quotes')
export class BaselineQuotesController {
  @Post()
  @HttpCode(200)
  quote(@Body() body: BaselineQuoteRequest): Record<string, number | string> {
    const ratePerMille = 1.2 + LINES.indexOf(body.lineOfBusiness) * 0.35 + REGIONS.indexOf(body.region) * 0.1;
    const premium = Math.max(500, Math.round(body.insuredValue * ratePerMille) / 1000);
    return { ...body, ratePerMille, premium, currency: 'GBP' };
  }
}

@Module({ controllers: [BaselineQuotesController] })
export class BaselinePricingModule {}
