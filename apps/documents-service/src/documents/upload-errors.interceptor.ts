import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { catchError, type Observable, throwError } from 'rxjs';

import { documentsServiceConfig } from '../config/documents-service.config';
import { DocumentTooLargeError } from './documents.errors';

/**
 * Bound before `FileInterceptor`: turns multer's size-limit error into 413 `payload_too_large` with the
 * limit in the problem (multer's own message says only "File too large").
 */
@Injectable()
export class UploadErrorsInterceptor implements NestInterceptor {
  constructor(
    @Inject(documentsServiceConfig.KEY) private readonly config: ConfigType<typeof documentsServiceConfig>,
  ) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof PayloadTooLargeException
              ? new DocumentTooLargeError(this.config.DOCUMENTS_MAX_BYTES)
              : error,
          ),
        ),
      );
  }
}
