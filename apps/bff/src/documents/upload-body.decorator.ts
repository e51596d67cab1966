import type { Readable } from 'node:stream';

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** An unparsed request body to stream through: the bytes as they arrive, and how they are framed. */
export interface UploadBody {
  readonly stream: Readable;
  /** `Content-Type` as sent, e.g. `multipart/form-data; boundary=…`. */
  readonly contentType: string | undefined;
  /** `Content-Length` when the client sent one (chunked uploads have none). */
  readonly contentLength: number | undefined;
}

/**
 * The raw request body of an upload, never buffered by the BFF: the BFF parses no multipart (no body
 * parser reads `multipart/form-data`), it streams the bytes to documents-service.
 */
export const RawUpload = createParamDecorator((_data: unknown, ctx: ExecutionContext): UploadBody => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const length = Number(req.headers['content-length']);
  return {
    stream: req,
    contentType: req.headers['content-type'],
    contentLength: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
  };
});
