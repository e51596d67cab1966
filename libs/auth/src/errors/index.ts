export {
  type BearerChallenge,
  buildBearerChallenge,
  parseBearerChallenge,
  type ParsedBearerChallenge,
} from './bearer-challenge';
export { ChainError } from './chain.error';
export { ChainErrorFilter } from './chain-error.filter';
export { ERROR_TITLES, type ErrorCode, PROBLEM_TYPE_BASE } from './error-codes';
