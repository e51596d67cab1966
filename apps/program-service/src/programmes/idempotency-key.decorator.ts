import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '@chain/platform';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The request's `Idempotency-Key` (400 when malformed), or `undefined` when none was sent. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined =>
    parseIdempotencyKey(ctx.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_KEY_HEADER]),
);
