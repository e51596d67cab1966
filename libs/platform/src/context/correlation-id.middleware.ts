import { randomUUID } from 'node:crypto';

import { RequestContext } from '@chain/auth';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** The header that carries the correlation id through the chain. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
const WELL_FORMED = /^[A-Za-z0-9._-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A well-formed caller-supplied id, else a new UUID (a malformed id is never echoed into logs). */
export function correlationIdFrom(value: unknown): string {
  return typeof value === 'string' && WELL_FORMED.test(value) ? value : randomUUID();
}

/**
 * Accepts `x-correlation-id` (else generates one), returns it on the response and opens the
 * {@link RequestContext} for the rest of the request, noting when it was received (the start of the
 * request's time budget).
 */
@Injectable()
export class CorrelationIdMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const correlationId = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
    req.headers[CORRELATION_ID_HEADER] = correlationId;
    res.setHeader(CORRELATION_ID_HEADER, correlationId);
    const traceparent = req.headers['traceparent'];
    RequestContext.run(
      {
        correlationId,
        receivedAtMs: Date.now(),
        ...(typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? { traceparent } : {}),
      },
      next,
    );
  }
}
