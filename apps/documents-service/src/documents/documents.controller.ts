import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

import { DocumentDto, DocumentListDto, UploadDocumentDto } from './document.dto';
import { MalformedIdError } from './documents.errors';
import { DocumentsScope } from './documents.permissions';
import { DocumentsService } from './documents.service';
import { IdempotencyKey } from './idempotency-key.decorator';
import { UploadErrorsInterceptor } from './upload-errors.interceptor';

const programmeIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new MalformedIdError('programmeId') });
const documentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new MalformedIdError('id') });

/**
 * Documents of a programme, reached by on-behalf-of tokens (scope `Documents.ReadWrite`, users only).
 * Visibility is program-service's decision, asked on every call (the second hop).
 */
@ApiTags('documents')
@UserOnly()
@Controller('programmes/:programmeId/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @RequireScopes(DocumentsScope.ReadWrite)
  @ApiOperation({ summary: "The programme's documents; 404 when the programme is not visible to the caller" })
  async list(
    @Principal() user: Principal,
    @Param('programmeId', programmeIdPipe) programmeId: string,
  ): Promise<DocumentListDto> {
    return DocumentListDto.from(await this.documents.list(user, programmeId));
  }

  @Post()
  @HttpCode(201)
  @RequireScopes(DocumentsScope.ReadWrite)
  @UseInterceptors(UploadErrorsInterceptor, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadDocumentDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried upload with the same key and file answers the same document; another file → 422',
  })
  @ApiOperation({ summary: 'Upload a document (field "file"); 413 over the size limit, 415 for other types' })
  async upload(
    @Principal() user: Principal,
    @Param('programmeId', programmeIdPipe) programmeId: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @IdempotencyKey() key: string | undefined,
  ): Promise<DocumentDto> {
    return DocumentDto.from(await this.documents.upload(user, programmeId, file, key));
  }

  @Get(':id')
  @RequireScopes(DocumentsScope.ReadWrite)
  // The stored type was decided from the bytes; forbid sniffing anything else, never cache a private file.
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/octet-stream')
  @ApiOperation({ summary: 'Download a document (streamed, as an attachment)' })
  async download(
    @Principal() user: Principal,
    @Param('programmeId', programmeIdPipe) programmeId: string,
    @Param('id', documentIdPipe) id: string,
  ): Promise<StreamableFile> {
    const { document, content, disposition } = await this.documents.open(user, programmeId, id);
    return new StreamableFile(content, { type: document.contentType, disposition, length: document.size });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes(DocumentsScope.ReadWrite)
  @ApiOperation({ summary: 'Delete a document (only the user who uploaded it)' })
  async remove(
    @Principal() user: Principal,
    @Param('programmeId', programmeIdPipe) programmeId: string,
    @Param('id', documentIdPipe) id: string,
  ): Promise<void> {
    await this.documents.remove(user, programmeId, id);
  }
}
