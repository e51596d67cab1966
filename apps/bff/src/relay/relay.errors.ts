import { ChainError } from '@chain/auth';

/**
 * No relayed API of that name: unknown, or declared without `RELAY=true`. One answer for both, so that the
 * relay does not tell a caller which downstreams the BFF has.
 */
export class RelayNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('No API is relayed under this name.');
  }
}

/** A relayed path that could leave the downstream's base path (`..`, `%2e%2e`, `//`, an encoded `/`). */
export class RelayPathError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super(
      'The relayed path must be plain segments under /api/relay/<name>/: no ".", "..", empty or encoded "/" or "\\" segments.',
    );
  }
}

/** The relay forwards JSON bodies only (what the BFF's JSON parser reads and limits). */
export class RelayMediaTypeError extends ChainError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;

  constructor() {
    super('The relay forwards request bodies of type application/json only.');
  }
}
