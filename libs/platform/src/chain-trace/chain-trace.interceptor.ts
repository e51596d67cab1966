import { RequestContext } from '@chain/auth';
import type { ChainTraceHeader, HopRecord } from '@chain/contracts';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, type Observable, tap, throwError } from 'rxjs';

/** Response header with this service's own hops (@chain/contracts `ChainTraceHeader`). */
export const CHAIN_TRACE_HEADER: ChainTraceHeader = 'x-chain-trace';

/** The `x-chain-trace` value: base64url of the JSON `HopRecord[]` (@chain/contracts). */
export function encodeChainTrace(hops: readonly HopRecord[]): string {
  return Buffer.from(JSON.stringify(hops), 'utf8').toString('base64url');
}

/**
 * With `CHAIN_TRACE=true` (local/demo only) every answer carries `x-chain-trace`: the downstream hops this
 * request made (recorded by @chain/auth's downstream client in the request context), so that the caller
 * can show the whole chain. Set once the handler is done (hops are recorded while it runs) and before the
 * body — or the problem, on failure — is written. Registered by `PlatformModule.forRoot({ chainTrace })`.
 */
@Injectable()
export class ChainTraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    // Only now does the downstream client record hops and decode tokens: nothing of it without the inspector.
    const hops = RequestContext.recordHops() ?? [];
    const attach = () => {
      if (!res.headersSent) res.setHeader(CHAIN_TRACE_HEADER, encodeChainTrace(hops));
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
