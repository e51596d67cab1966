import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { type Member, MemberRole } from './member.model';

/**
 * A brokerage id: what follows `Broker.` in an app role value, so only characters a role value may hold and
 * no spaces (https://learn.microsoft.com/graph/api/resources/approle, property `value`).
 */
export const BROKERAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Body of `PUT /members/{tid}/{oid}`: make the user a broker of this brokerage. */
export class PutMemberDto {
  @ApiProperty({
    example: 'Northwind',
    description: 'the brokerage id: 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
  })
  @IsString()
  @Matches(BROKERAGE_ID, {
    message: 'brokerage must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
  })
  brokerage!: string;

  @ApiPropertyOptional({ example: 'Alice Broker', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName?: string;
}

/** A row of the members table. */
export class MemberDto {
  @ApiProperty({ format: 'uuid', description: 'tenant id' }) tid!: string;
  @ApiProperty({ format: 'uuid', description: 'object id of the user' }) oid!: string;
  @ApiProperty({ enum: Object.values(MemberRole) }) role!: MemberRole;
  @ApiPropertyOptional({ example: 'Northwind' }) brokerage?: string;
  @ApiPropertyOptional() displayName?: string;

  static from(member: Member): MemberDto {
    return Object.assign(new MemberDto(), member);
  }
}
