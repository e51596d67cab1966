import { RequestContext } from '@chain/auth';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

import { ChainController } from './chain.controller';
import { ChainTraceStore } from './chain-trace.store';

/**
 * Records each authenticated user request with its hops once the answer is sent, failures included (a
 * relayed claims challenge is exactly what the inspector should show). Runs after the guards, so the
 * caller is known; requests refused by a guard made no hop and are not recorded.
 */
@Injectable()
export class ChainTraceInterceptor implements NestInterceptor {
  constructor(private readonly store: ChainTraceStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const oid = userOid(context.switchToHttp().getRequest<Request>());
    const current = RequestContext.current();
    if (oid !== undefined && current !== undefined && context.getClass() !== ChainController) {
      const hops = RequestContext.recordHops() ?? [];
      const req = context.switchToHttp().getRequest<Request>();
      const res = context.switchToHttp().getResponse<Response>();
      const started = Date.now();
      res.once('finish', () =>
        this.store.record(oid, {
          correlationId: current.correlationId,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? req.originalUrl,
          status: res.statusCode,
          startedAt: new Date(started).toISOString(),
          durationMs: Date.now() - started,
          hops: [...hops],
        }),
      );
    }
    return next.handle();
  }
}

/** The `oid` of the validated user principal the JWT guard put on the request, if any. */
function userOid(req: Request): string | undefined {
  const user: unknown = (req as Request & { user?: unknown }).user;
  if (typeof user !== 'object' || user === null) return undefined;
  const { kind, oid } = user as { kind?: unknown; oid?: unknown };
  return kind === 'user' && typeof oid === 'string' && oid.length > 0 ? oid : undefined;
}
