import { CHAIN_TRACE_HEADER, encodeChainTrace, RequestContext } from '@chain/auth';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, type Observable, tap, throwError } from 'rxjs';

/**
 * With `CHAIN_TRACE=true` (local/demo only) every answer carries `x-chain-trace`: this request's own
 * downstream hops (the second hop to program-service, with its decoded token claims), so the BFF can show
 * the whole chain. Set once the handler is done (hops are recorded while it runs) and before the body —
 * or the problem, on failure — is written.
 */
@Injectable()
export class ChainTraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    RequestContext.recordHops();
    const attach = () => {
      if (!res.headersSent)
        res.setHeader(CHAIN_TRACE_HEADER, encodeChainTrace(RequestContext.current()?.hops ?? []));
    };
    return next.handle().pipe(
      tap({ next: attach }),
      catchError((error: unknown) => {
        attach();
        return throwError(() => error);
      }),
    );
  }
}
