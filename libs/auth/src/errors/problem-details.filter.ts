import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { RequestContext } from '../context/request-context';
import { buildBearerChallenge } from './bearer-challenge';
import { ChainError } from './chain.error';
import { ERROR_TITLES, type ErrorCode, PROBLEM_TYPE_BASE } from './error-codes';

/** An RFC 9457 problem body as every app of the chain answers it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly correlationId?: string;
  readonly [extension: string]: unknown;
}

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

/**
 * The one global filter (docs/CONTRACTS.md "Errors"): `application/problem+json` with a stable `code`
 * and the correlation id, RFC 6750 `WWW-Authenticate` on 401/403, `Retry-After` when known. No stack
 * traces, no tokens; anything unforeseen becomes a bare 500 `internal` and is logged by class name.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const problem = this.toProblem(exception, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (problem.wwwAuthenticate) res.setHeader('WWW-Authenticate', problem.wwwAuthenticate);
    if (problem.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    res.status(problem.body.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }

  private toProblem(exception: unknown, req: Request): RenderedProblem {
    const correlationId = RequestContext.current()?.correlationId ?? headerOf(req, 'x-correlation-id');
    if (exception instanceof ChainError) {
      return {
        body: problemBody(
          exception.code,
          exception.status,
          exception.detail,
          correlationId,
          exception.extensions,
        ),
        wwwAuthenticate: exception.wwwAuthenticate,
        retryAfterSeconds: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) return fromHttpException(exception, correlationId);
    const status = statusOfBodyParserError(exception);
    if (status)
      return {
        body: problemBody(HTTP_CODES[status] ?? 'bad_request', status, messageOf(exception), correlationId),
      };
    this.logger.error({ msg: 'unexpected error', errorClass: classOf(exception), correlationId });
    return { body: problemBody('internal', 500, 'An unexpected error occurred.', correlationId) };
  }
}

interface RenderedProblem {
  readonly body: ProblemBody;
  readonly wwwAuthenticate?: string;
  readonly retryAfterSeconds?: number;
}

/** Builds a problem body; `extensions` never override the standard members. */
export function problemBody(
  code: ErrorCode,
  status: number,
  detail: string,
  correlationId?: string,
  extensions?: Record<string, unknown>,
): ProblemBody {
  return {
    ...extensions,
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: ERROR_TITLES[code],
    status,
    detail,
    code,
    ...(correlationId ? { correlationId } : {}),
  };
}

function fromHttpException(exception: HttpException, correlationId?: string): RenderedProblem {
  const status = exception.getStatus();
  const code: ErrorCode = HTTP_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
  const response = exception.getResponse();
  const detail = status >= 500 ? 'An unexpected error occurred.' : detailOf(response, exception.message);
  return {
    body: problemBody(code, status, detail, correlationId),
    wwwAuthenticate: status === 401 ? buildBearerChallenge() : undefined,
  };
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

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}
