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

import {
  type LineOfBusiness,
  LINES_OF_BUSINESS,
  type Programme,
  PROGRAMME_STATUSES,
  type ProgrammeStatus,
  type Region,
  REGIONS,
} from './programme.model';

/** Largest insured value accepted, in the programme's currency (fits numeric(16,2)). */
export const MAX_INSURED_VALUE = 1_000_000_000_000;

/** Body of `POST /programmes`. */
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

  @ApiProperty({ example: 'GBP', description: 'ISO 4217 code, upper case' })
  @IsISO4217CurrencyCode()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  currency!: string;
}

/**
 * Body of `PATCH /programmes/:id`: any of the creation fields, at least one.
 * A member may be absent but never `null`: each one present is validated (the default `PartialType` skips
 * `null` members, which then reached the database as a NOT NULL violation, a 500).
 */
export class UpdateProgrammeDto extends PartialType(CreateProgrammeDto, { skipNullProperties: false }) {}

/** Query of `GET /programmes`. */
export class ListProgrammesQueryDto {
  @ApiPropertyOptional({ enum: PROGRAMME_STATUSES })
  @IsOptional()
  @IsIn(PROGRAMME_STATUSES)
  status?: ProgrammeStatus;
}

/** A programme as the API returns it. */
export class ProgrammeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Northwind' }) brokerage!: string;
  @ApiProperty({ description: 'object id (oid) of the broker who owns it' }) ownerOid!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ enum: REGIONS }) region!: Region;
  @ApiProperty() insuredValue!: number;
  @ApiProperty({ example: 'GBP' }) currency!: string;
  @ApiProperty({ enum: PROGRAMME_STATUSES }) status!: ProgrammeStatus;
  @ApiPropertyOptional({ description: 'oid of the approving underwriter' }) approvedBy?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(programme: Programme): ProgrammeDto {
    return Object.assign(new ProgrammeDto(), programme);
  }
}

/** Answer of `GET /programmes`. */
export class ProgrammeListDto {
  @ApiProperty({ type: [ProgrammeDto] }) programmes!: ProgrammeDto[];

  static from(programmes: readonly Programme[]): ProgrammeListDto {
    return Object.assign(new ProgrammeListDto(), { programmes: programmes.map((p) => ProgrammeDto.from(p)) });
  }
}
