import { ApiProperty } from '@nestjs/swagger';

import type { StoredDocument } from './document.model';

/** A document as the API answers it. */
export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) programmeId!: string;
  @ApiProperty({ example: 'schedule.pdf' }) fileName!: string;
  @ApiProperty({ example: 'application/pdf', description: 'decided from the content, not from the client' })
  contentType!: string;
  @ApiProperty({ description: 'bytes' }) size!: number;
  @ApiProperty({ description: 'oid of the uploader, the only user who may delete it' }) ownerOid!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(document: StoredDocument): DocumentDto {
    return Object.assign(new DocumentDto(), {
      id: document.id,
      programmeId: document.programmeId,
      fileName: document.fileName,
      contentType: document.contentType,
      size: document.size,
      ownerOid: document.ownerOid,
      createdAt: document.createdAt.toISOString(),
    });
  }
}

/** `GET /programmes/:programmeId/documents`. */
export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] }) documents!: DocumentDto[];

  static from(documents: readonly StoredDocument[]): DocumentListDto {
    return Object.assign(new DocumentListDto(), { documents: documents.map((d) => DocumentDto.from(d)) });
  }
}

/** The multipart body of an upload (for OpenAPI). */
export class UploadDocumentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX' })
  file!: unknown;
}
