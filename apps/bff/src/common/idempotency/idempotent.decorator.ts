import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '@chain/platform';
import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyMode, IDEMPOTENT_MODE } from './idempotency.options';

/** A write route that honours `Idempotency-Key` (see {@link IdempotencyInterceptor}). */
export function Idempotent(mode: IdempotencyMode = IdempotencyMode.Replay): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_MODE, mode),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'One key per user action (e.g. a UUID): a retry with the same key and body is answered once; the same key with another body → 422; while the first is running → 409.',
    }),
  );
}

/** The request's `Idempotency-Key`, checked, or `undefined` when none was sent. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined =>
    parseIdempotencyKey(ctx.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_KEY_HEADER]),
);
