import { ChainError } from '@chain/auth';

/** Absent and someone else's are one answer, so that the existence of another user's item never leaks. */
export class ItemNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('No item with this id exists or it is not yours.');
  }
}

/** The caller already has as many items as the service keeps per user (memory is bounded). */
export class TooManyItemsError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor(limit: number) {
    super(`You have ${limit} items, the most this service keeps per user.`);
  }
}
