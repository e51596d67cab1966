import { CHAIN_TRACE_HEADER, encodeChainTrace } from '@chain/auth';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * With `CHAIN_TRACE=true` (local/demo only) every answer carries `x-chain-trace` with this service's
 * own downstream hops; program-service calls nobody, so the list is always empty.
 */
@Injectable()
export class ChainTraceMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    res.setHeader(CHAIN_TRACE_HEADER, encodeChainTrace([]));
    next();
  }
}
