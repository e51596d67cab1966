import { ChainError, ChainErrorFilter, type ErrorCode, RequestContext } from '@chain/auth';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';

/** Nest/Express statuses that are foreseeable and get their own code instead of a 500. */
const HTTP_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'token_missing',
  403: 'scope_missing',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/** An exception that is not a ChainError (Nest's, body-parser's, an unforeseen one), as a ChainError. */
class HttpProblem extends ChainError {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The one global filter of an app of the chain (docs/CONTRACTS.md "Errors"): every exception becomes
 * `application/problem+json` with a stable `code` and the correlation id. A ChainError is rendered by
 * @chain/auth's `ChainErrorFilter` (RFC 6750 `WWW-Authenticate` on 401/403, `Retry-After` when known);
 * Nest's HTTP exceptions and body-parser errors get the code of their status; anything unforeseen becomes
 * a bare 500 `internal` and is logged by class name. No stack traces, no tokens.
 * Registered by `PlatformModule.forRoot({ problemDetails: true })`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');
  private readonly chainErrors = new ChainErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    this.chainErrors.catch(this.toChainError(exception), host);
  }

  private toChainError(exception: unknown): ChainError<string> {
    if (exception instanceof ChainError) return exception as ChainError<string>;
    if (exception instanceof HttpException) return fromHttpException(exception);
    const status = statusOfBodyParserError(exception);
    if (status) return new HttpProblem(HTTP_CODES[status] ?? 'bad_request', status, messageOf(exception));
    const correlationId = RequestContext.current()?.correlationId;
    this.logger.error({ msg: 'unexpected error', errorClass: classOf(exception), correlationId });
    return new HttpProblem('internal', 500, 'An unexpected error occurred.');
  }
}

function fromHttpException(exception: HttpException): ChainError {
  const status = exception.getStatus();
  const code: ErrorCode = HTTP_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
  const detail =
    status >= 500 ? 'An unexpected error occurred.' : detailOf(exception.getResponse(), exception.message);
  const problem = new HttpProblem(code, status, detail);
  if (status === 401) problem.wwwAuthenticate = 'Bearer';
  return problem;
}

/** ValidationPipe puts its messages in `response.message` (string or list). */
function detailOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : fallback;
}

/** body-parser / multer errors carry `status`/`statusCode` (e.g. 400 bad JSON, 413 too large). */
function statusOfBodyParserError(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, statusCode, expose } = exception as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const value = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  return value !== undefined && value >= 400 && value < 500 && expose !== false ? value : undefined;
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : 'Bad request';
}

function classOf(exception: unknown): string {
  return exception instanceof Error ? exception.constructor.name : typeof exception;
}
