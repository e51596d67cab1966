import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * `Cache-Control: no-store` on every `/api` answer: they are one user's data, fetched with a bearer
 * token, and must not be kept by the browser or revalidated into a stale `304` (RFC 9111 §5.2.2.5).
 * A download sets its own (`private, no-store`) later and wins.
 */
@Injectable()
export class NoStoreMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Cache-Control', 'no-store');
    next();
  }
}
