import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Controller, Delete, Get, Header, HttpCode, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

import { BffScope } from '../common/bff-catalogue';
import { IdempotencyMode } from '../common/idempotency/idempotency.options';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotent.decorator';
import { ResourceIdPipe } from '../common/resource-id.pipe';
import { DocumentDto, DocumentListDto } from './document.dto';
import { DocumentsService } from './documents.service';
import { RawUpload, type UploadBody } from './upload-body.decorator';

/** Documents of a programme, through documents-service on behalf of the user (streamed both ways). */
@ApiTags('documents')
@UserOnly()
@RequireScopes(BffScope.AccessAsUser)
@Controller('api/programmes/:id/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @ApiOperation({ summary: "The programme's documents; 404 when the user may not see the programme" })
  list(@Principal() user: Principal, @Param('id', ResourceIdPipe) id: string): Promise<DocumentListDto> {
    return this.documents.list(user, id);
  }

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @Idempotent(IdempotencyMode.Exclusive)
  @ApiOperation({ summary: 'Upload a document (field "file"), streamed to documents-service' })
  upload(
    @Principal() user: Principal,
    @Param('id', ResourceIdPipe) id: string,
    @RawUpload() body: UploadBody,
    @IdempotencyKey() key: string | undefined,
  ): Promise<DocumentDto> {
    return this.documents.upload(user, id, body, key);
  }

  @Get(':docId')
  // A private file: never sniffed into something renderable, never cached by intermediaries.
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/octet-stream')
  @ApiOperation({ summary: "A document's bytes, streamed from documents-service" })
  async download(
    @Principal() user: Principal,
    @Param('id', ResourceIdPipe) id: string,
    @Param('docId', ResourceIdPipe) docId: string,
  ): Promise<StreamableFile> {
    const file = await this.documents.download(user, id, docId);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      ...(file.contentLength === undefined ? {} : { length: file.contentLength }),
      disposition: file.contentDisposition,
    });
  }

  @Delete(':docId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a document (its owner only)' })
  remove(
    @Principal() user: Principal,
    @Param('id', ResourceIdPipe) id: string,
    @Param('docId', ResourceIdPipe) docId: string,
  ): Promise<void> {
    return this.documents.remove(user, id, docId);
  }
}
