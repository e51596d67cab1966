import type { Principal } from '@chain/auth';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The signed-in user as the BFF sees them: identity and what their token grants (no token). */
export class MeDto {
  @ApiProperty({ description: 'object id of the user (oid)' }) oid!: string;
  @ApiProperty({ description: 'tenant id (tid)' }) tid!: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ description: 'preferred_username' }) username?: string;
  @ApiProperty({ type: [String], example: ['access_as_user'] }) scopes!: readonly string[];
  @ApiProperty({ type: [String], example: ['Underwriter'] }) roles!: readonly string[];
  @ApiProperty({ type: [String], example: ['pwd', 'mfa'], description: 'amr' })
  authMethods!: readonly string[];
  @ApiProperty({ type: [String], example: ['c1'], description: 'acrs' }) authContexts!: readonly string[];
  @ApiProperty({ description: 'exp of the token, seconds since the epoch' }) expiresAt!: number;

  static from(principal: Principal): MeDto {
    return Object.assign(new MeDto(), {
      oid: principal.oid,
      tid: principal.tid,
      ...(principal.name === undefined ? {} : { name: principal.name }),
      ...(principal.username === undefined ? {} : { username: principal.username }),
      scopes: principal.scopes,
      roles: principal.roles,
      authMethods: principal.authMethods,
      authContexts: principal.authContexts,
      expiresAt: principal.expiresAt,
    });
  }
}
