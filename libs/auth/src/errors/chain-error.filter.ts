import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

import { RequestContext } from '../context/request-context';
import { ChainError } from './chain.error';
import { PROBLEM_TYPE_BASE } from './error-codes';

/**
 * Renders a {@link ChainError} — what the guard, the broker and the downstream client throw — as
 * `application/problem+json` (RFC 9457) with its stable `code`, the correlation id when there is one,
 * the RFC 6750 `WWW-Authenticate` challenge on 401/403 and `Retry-After` when known.
 *
 * An app built on @chain/platform registers the platform's filter, which renders every other exception
 * too; an app that adopts @chain/auth alone registers this one (`app.useGlobalFilters(new ChainErrorFilter())`).
 */
@Catch(ChainError)
export class ChainErrorFilter implements ExceptionFilter {
  catch(exception: ChainError<string>, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const correlationId =
      RequestContext.current()?.correlationId ?? correlationHeader(http.getRequest<Request>());
    const body = {
      ...exception.extensions,
      type: `${PROBLEM_TYPE_BASE}${exception.code}`,
      title: exception.title,
      status: exception.status,
      detail: exception.detail,
      code: exception.code,
      ...(correlationId ? { correlationId } : {}),
    };
    if (exception.wwwAuthenticate) res.setHeader('WWW-Authenticate', exception.wwwAuthenticate);
    if (exception.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(exception.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

function correlationHeader(req: Request | undefined): string | undefined {
  const value = req?.headers?.['x-correlation-id'];
  return typeof value === 'string' ? value : undefined;
}
