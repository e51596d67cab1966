import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import {
  type LineOfBusiness,
  LINES_OF_BUSINESS,
  type Rate,
  type Region,
  REGIONS,
} from '../common/pricing-catalogue';

/** Query of `GET /rates`: optional filters. */
export class RatesQueryDto {
  @ApiPropertyOptional({ enum: LINES_OF_BUSINESS })
  @IsOptional()
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness?: LineOfBusiness;

  @ApiPropertyOptional({ enum: REGIONS })
  @IsOptional()
  @IsIn(REGIONS)
  region?: Region;
}

/** One reference rate. */
export class RateDto {
  @ApiProperty({ enum: LINES_OF_BUSINESS }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ enum: REGIONS }) region!: Region;
  @ApiProperty({ example: 1.25, description: 'premium per 1,000 of insured value' }) ratePerMille!: number;
  @ApiProperty({ example: 'GBP' }) currency!: string;
  @ApiProperty({ example: 2500 }) minimumPremium!: number;

  static from(rate: Rate): RateDto {
    return Object.assign(new RateDto(), rate);
  }
}

/** Answer of `GET /rates`. */
export class RateListDto {
  @ApiProperty({ type: [RateDto] }) rates!: RateDto[];

  static from(rates: readonly Rate[]): RateListDto {
    return Object.assign(new RateListDto(), { rates: rates.map((r) => RateDto.from(r)) });
  }
}
