import { ChainError } from '@chain/auth';

/** The body is larger than the app accepts (413, RFC 9110 §15.5.14); `maxBytes` names the limit. */
export class BodyTooLargeError extends ChainError {
  readonly code = 'payload_too_large';
  readonly status = 413;

  constructor(maxBytes: number) {
    super(`A request body may be at most ${maxBytes} bytes.`);
    this.extensions = { limit: 'maxBytes', maxBytes };
  }
}

/** An urlencoded body with more fields than the app accepts (413); `maxParameters` names the limit. */
export class TooManyParametersError extends ChainError {
  readonly code = 'payload_too_large';
  readonly status = 413;

  constructor(maxParameters: number) {
    super(`A form body may have at most ${maxParameters} fields.`);
    this.extensions = { limit: 'maxParameters', maxParameters };
  }
}

/** JSON nested deeper than the app accepts (400); refused before it is parsed. */
export class BodyTooDeepError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(maxDepth: number) {
    super(`A JSON body may nest objects and arrays at most ${maxDepth} levels deep.`);
    this.extensions = { limit: 'maxDepth', maxDepth };
  }
}

/** A member the chain never accepts (`__proto__`, `constructor`, `prototype`), refused like any unknown one. */
export class ForbiddenMemberError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(member: string) {
    super(`property ${member} should not exist`);
    this.extensions = { member };
  }
}

/** The body is not what its `Content-Type` says (JSON that does not parse); its text is never echoed. */
export class MalformedBodyError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(kind: 'json' | 'form') {
    super(
      kind === 'json'
        ? 'The request body is not a valid JSON object or array.'
        : 'The request body is not a valid form.',
    );
  }
}
