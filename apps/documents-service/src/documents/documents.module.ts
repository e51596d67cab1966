import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { MulterModule } from '@nestjs/platform-express';

import { documentsServiceConfig } from '../config/documents-service.config';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { ProgramServiceClient } from './program-service.client';
import { UploadErrorsInterceptor } from './upload-errors.interceptor';
import { uploadLimits } from './upload-limits';

/** Documents of programmes: upload, list, download, delete, each behind the second-hop check. */
@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [documentsServiceConfig.KEY],
      useFactory: (config: ConfigType<typeof documentsServiceConfig>) =>
        uploadLimits(config.DOCUMENTS_MAX_BYTES),
    }),
  ],
  controllers: [DocumentsController],
  providers: [DocumentsService, ProgramServiceClient, UploadErrorsInterceptor],
})
export class DocumentsModule {}
