import { Module } from '@nestjs/common';

import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

/** `/api/programmes/:id/documents/**`: documents-service on behalf of the user. */
@Module({ imports: [IdempotencyModule], controllers: [DocumentsController], providers: [DocumentsService] })
export class DocumentsModule {}
