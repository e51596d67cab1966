import { ApiProperty } from '@nestjs/swagger';

/** A document's metadata, as documents-service returns it (CONTRACTS.md). */
export class DocumentDto {
  @ApiProperty() id!: string;
  @ApiProperty() programmeId!: string;
  @ApiProperty({ example: 'schedule.pdf' }) fileName!: string;
  @ApiProperty({ example: 'application/pdf' }) contentType!: string;
  @ApiProperty({ description: 'bytes' }) size!: number;
  @ApiProperty({ description: 'oid of the uploader' }) ownerOid!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** Answer of `GET /api/programmes/:id/documents`, as documents-service returns it. */
export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] }) documents!: DocumentDto[];
}
