import { MaxDecimalPlaces } from '@chain/platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNumber, Max, Min } from 'class-validator';

import { type LineOfBusiness, LINES_OF_BUSINESS, type Region, REGIONS } from '../common/pricing-catalogue';
import type { Quote } from './quotes.service';

/** Largest insured value quoted. */
export const MAX_INSURED_VALUE = 1_000_000_000_000;

/** Body of `POST /quotes`. */
export class CreateQuoteDto {
  @ApiProperty({ enum: LINES_OF_BUSINESS })
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness!: LineOfBusiness;

  @ApiProperty({ enum: REGIONS })
  @IsIn(REGIONS)
  region!: Region;

  @ApiProperty({
    example: 25_000_000,
    minimum: 0.01,
    maximum: MAX_INSURED_VALUE,
    description: 'at most 2 decimals',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.01)
  @Max(MAX_INSURED_VALUE)
  insuredValue!: number;
}

/** Answer of `POST /quotes`. */
export class QuoteDto {
  @ApiProperty({ enum: LINES_OF_BUSINESS }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ enum: REGIONS }) region!: Region;
  @ApiProperty() insuredValue!: number;
  @ApiProperty({ example: 1.25 }) ratePerMille!: number;
  @ApiProperty({
    example: 31_250,
    description: 'max(minimumPremium, insuredValue × ratePerMille / 1000), to the cent',
  })
  premium!: number;
  @ApiProperty({ example: 'GBP' }) currency!: string;

  static from(quote: Quote): QuoteDto {
    return Object.assign(new QuoteDto(), quote);
  }
}
