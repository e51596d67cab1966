import { ChainError } from '@chain/auth';

/** No reference rate for a line of business in a region. */
export class RateNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor(lineOfBusiness: string, region: string) {
    super(`No reference rate for ${lineOfBusiness} in ${region}.`);
  }
}
