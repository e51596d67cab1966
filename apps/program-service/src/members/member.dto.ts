import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { BROKERAGE_ID, BROKERAGE_ID_RULE, type Member, MemberRole } from './member.model';

/** Body of `PUT /members/{tid}/{oid}`: make the user a broker of this brokerage. */
export class PutMemberDto {
  @ApiProperty({
    example: 'Northwind',
    description: `the brokerage id: ${BROKERAGE_ID_RULE}`,
  })
  @IsString()
  @Matches(BROKERAGE_ID, { message: `brokerage must be ${BROKERAGE_ID_RULE}` })
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
