import { ChainError } from '@chain/auth';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '@chain/platform';

import { ACCEPTED_TYPES } from './document-type';

/**
 * The programme does not exist or program-service will not show it to this user (the second hop answered
 * 404): one answer for both, so that existence never leaks across brokerages.
 */
export class ProgrammeNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor(options?: { cause?: unknown }) {
    super('No programme with this id exists or it is not visible to you.', options);
  }
}

/** No document with this id in this programme. */
export class DocumentNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('No document with this id exists in this programme.');
  }
}

/** documents-service's own problem codes (docs/CONTRACTS.md "Errors"), beside @chain/auth's generic ones. */
export const DOCUMENTS_ERROR_TITLES = { not_owner: 'Only the owner may do this' } as const;

/** The document is visible to the caller, but only the user who uploaded it may delete it. */
export class NotDocumentOwnerError extends ChainError<keyof typeof DOCUMENTS_ERROR_TITLES> {
  readonly code = 'not_owner';
  readonly status = 403;

  override get title(): string {
    return DOCUMENTS_ERROR_TITLES[this.code];
  }

  constructor() {
    super('Only the user who uploaded this document may delete it.');
  }
}

/** The multipart request has no `file` part (or is not multipart at all). */
export class MissingFileError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super('Send the document as multipart/form-data in the field "file".');
  }
}

/** An empty file is not a document. */
export class EmptyFileError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super('The file is empty.');
  }
}

/** An id in the path is not a UUID: no such programme or document can exist. */
export class MalformedIdError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(parameter: string) {
    super(`${parameter} must be a UUID.`);
  }
}

/** The upload is larger than `DOCUMENTS_MAX_BYTES`. */
export class DocumentTooLargeError extends ChainError {
  readonly code = 'payload_too_large';
  readonly status = 413;

  constructor(maxBytes: number) {
    super(`A document may be at most ${maxBytes} bytes.`);
    this.extensions = { maxBytes };
  }
}

/** The bytes are none of the accepted types, or not the type the name / Content-Type claims. */
export class UnsupportedDocumentTypeError extends ChainError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;

  constructor() {
    super(`Upload a ${ACCEPTED_TYPES} file whose name and type match its content.`);
  }
}

/** The document changed between the owner check and the delete; the client may retry. */
export class DocumentChangedError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor() {
    super('The document changed while it was being deleted; retry.');
  }
}

/** 409: an upload with this `Idempotency-Key` is still being stored; retry once it has finished and get its document. */
export const uploadInProgress = (): IdempotencyKeyInUseError =>
  new IdempotencyKeyInUseError('An upload with this Idempotency-Key is still being stored; retry it later.');

/** 422: this `Idempotency-Key` already stored another file (or is another user's); use a new key. */
export const uploadKeyReused = (): IdempotencyKeyReusedError =>
  new IdempotencyKeyReusedError(
    'This Idempotency-Key was already used to upload a different file; use a new key for a new upload.',
  );
