import type { MulterModuleOptions } from '@nestjs/platform-express';

/**
 * multer's options for uploads: in memory (the type check reads the bytes, and the size is capped by
 * `DOCUMENTS_MAX_BYTES`), one file, a handful of small fields, UTF-8 file names.
 */
export function uploadLimits(maxBytes: number): MulterModuleOptions {
  return {
    // Browsers send the file name as raw UTF-8 bytes; multer's default would read them as Latin-1.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1_024, fieldNameSize: 100, parts: 12 },
  };
}
