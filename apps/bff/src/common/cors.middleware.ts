import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';

import { bffConfig } from '../config/bff.config';

/** Headers the SPA may read: the correlation id (chain inspector) and the claims challenge (step-up). */
export const CORS_EXPOSED_HEADERS = [
  'x-correlation-id',
  'WWW-Authenticate',
  'Retry-After',
  'Idempotent-Replayed',
] as const;
/** Headers the SPA may send. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-correlation-id',
  'traceparent',
  'idempotency-key',
] as const;
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS for the configured SPA origins only (`CORS_ORIGINS`), bearer tokens (no cookies, so no
 * `Access-Control-Allow-Credentials`). Exposes `WWW-Authenticate` so that the SPA can read a relayed
 * claims challenge, and `x-correlation-id` for `/api/chain`. A preflight from an allowed origin is
 * answered 204 here; from any other origin it gets no CORS headers, so the browser refuses it.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly origins: ReadonlySet<string>;

  constructor(@Inject(bffConfig.KEY) config: ConfigType<typeof bffConfig>) {
    this.origins = new Set(config.CORS_ORIGINS);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !this.origins.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return next();
    res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS.join(', '));
    res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
    res.status(204).end();
  }
}
