import { ChainError } from '@chain/auth';

/** An id in the path that cannot be a programme or document id. */
export class InvalidResourceIdError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super('Ids are 1-128 letters, digits, "-" or "_".');
  }
}
