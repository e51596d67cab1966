import { MaxDecimalPlaces } from '@chain/platform';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsISO4217CurrencyCode,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Lines of business and regions of the chain (CONTRACTS.md "program-service"). */
export const LINES_OF_BUSINESS = ['property', 'marine', 'casualty', 'cyber'] as const;
export type LineOfBusiness = (typeof LINES_OF_BUSINESS)[number];
export const REGIONS = ['uk', 'eu', 'us', 'apac'] as const;
export type Region = (typeof REGIONS)[number];
export const PROGRAMME_STATUSES = ['draft', 'submitted', 'approved'] as const;
export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number];

/** Largest insured value accepted (program-service's numeric(16,2)). */
export const MAX_INSURED_VALUE = 1_000_000_000_000;

/**
 * Body of `POST /api/programmes`. Checked at the edge as well as by program-service, so that a bad
 * request costs no token exchange; program-service stays the authority on its own rules.
 */
export class CreateProgrammeDto {
  @ApiProperty({ example: 'Northwind warehouses 2027', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: LINES_OF_BUSINESS })
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness!: LineOfBusiness;

  @ApiProperty({ enum: REGIONS })
  @IsIn(REGIONS)
  region!: Region;

  @ApiProperty({ example: 25_000_000, minimum: 0.01, maximum: MAX_INSURED_VALUE })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.01)
  @Max(MAX_INSURED_VALUE)
  insuredValue!: number;

  @ApiProperty({ example: 'GBP', description: 'ISO 4217 code, upper case' })
  @IsISO4217CurrencyCode()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  currency!: string;
}

/**
 * Body of `PATCH /api/programmes/:id`: any of the creation fields.
 * A member may be absent but never `null`: each one present is validated (the default `PartialType` skips
 * `null` members, which then reached the database as a NOT NULL violation, a 500).
 */
export class UpdateProgrammeDto extends PartialType(CreateProgrammeDto, { skipNullProperties: false }) {}

/** Query of `GET /api/programmes`. */
export class ListProgrammesQueryDto {
  @ApiPropertyOptional({ enum: PROGRAMME_STATUSES })
  @IsOptional()
  @IsIn(PROGRAMME_STATUSES)
  status?: ProgrammeStatus;
}

/** A programme, as program-service returns it. */
export class ProgrammeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Northwind' }) brokerage!: string;
  @ApiProperty({ description: 'oid of the broker who owns it' }) ownerOid!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ enum: REGIONS }) region!: Region;
  @ApiProperty() insuredValue!: number;
  @ApiProperty({ example: 'GBP' }) currency!: string;
  @ApiProperty({ enum: PROGRAMME_STATUSES }) status!: ProgrammeStatus;
  @ApiPropertyOptional({ description: 'oid of the approving underwriter' }) approvedBy?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** Answer of `GET /api/programmes`. */
export class ProgrammeListDto {
  @ApiProperty({ type: [ProgrammeDto] }) programmes!: ProgrammeDto[];
}

/** A premium from pricing-service (`POST /quotes`). */
export class QuoteDto {
  @ApiProperty({ enum: LINES_OF_BUSINESS }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ enum: REGIONS }) region!: Region;
  @ApiProperty() insuredValue!: number;
  @ApiProperty({ example: 1.25 }) ratePerMille!: number;
  @ApiProperty({ example: 31_250 }) premium!: number;
  @ApiProperty({ example: 'GBP' }) currency!: string;
}

/** Answer of `GET /api/programmes/:id/quote`: the programme (on-behalf-of) and its quote (client credentials). */
export class ProgrammeQuoteDto {
  @ApiProperty({ type: ProgrammeDto }) programme!: ProgrammeDto;
  @ApiProperty({ type: QuoteDto }) quote!: QuoteDto;
}
