import { ChainError } from '@chain/auth';

/** The upload is larger than documents-service accepts; refused before (or while) streaming it. */
export class UploadTooLargeError extends ChainError {
  readonly code = 'payload_too_large';
  readonly status = 413;

  constructor(maxBytes: number) {
    super(`A document may be at most ${maxBytes} bytes.`);
    this.extensions = { maxBytes };
  }
}

/** An upload must be `multipart/form-data` with the file in the field `file`. */
export class UploadNotMultipartError extends ChainError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;

  constructor() {
    super('Send the document as multipart/form-data with the file in the field "file".');
  }
}
