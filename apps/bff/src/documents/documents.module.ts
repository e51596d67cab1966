import { Module } from '@nestjs/common';

import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

/** `/api/programmes/:id/documents/**`: documents-service on behalf of the user. */
@Module({ controllers: [DocumentsController], providers: [DocumentsService] })
export class DocumentsModule {}
