import { createHash } from 'node:crypto';

import { AuthenticatedPrincipal } from '@chain/auth';
import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  parseIdempotencyKey,
} from '@chain/platform';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, type Observable, of, throwError } from 'rxjs';

import { IDEMPOTENCY_SETTINGS, IdempotencyMode, IDEMPOTENT_MODE } from './idempotency.options';
import { type IdempotencySettings, IdempotencyStore } from './idempotency.store';

/** Header set on an answer sent again for a repeated key (as Stripe and others do; informational). */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * `Idempotency-Key` on the BFF's write routes (IETF httpapi idempotency-key draft): a key is scoped to the
 * signed-in user; the first request with it runs, a concurrent one gets 409, one with another method,
 * path or body gets 422, and once the first succeeded the same request gets its answer again without
 * running twice. Only successes are kept: a request that failed (4xx: nothing was written; 5xx: the outcome
 * is unknown here) releases its key, so the retry runs again — and the service that performs the write
 * receives the same key and recognises the retry itself. `exclusive` routes (a streamed upload, whose body
 * the BFF never holds) get the 409 only: the replay is the downstream's.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_SETTINGS) private readonly settings: IdempotencySettings,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const key = parseIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]);
    const user: unknown = (req as Request & { user?: unknown }).user;
    if (key === undefined || !(user instanceof AuthenticatedPrincipal)) return next.handle();
    const mode =
      this.reflector.get<IdempotencyMode>(IDEMPOTENT_MODE, context.getHandler()) ?? IdempotencyMode.Replay;
    const scope = digest(['idempotency', user.tid, user.oid, key]);
    const fingerprint = fingerprintOf(req, mode);
    const begun = await this.store.begin(scope, fingerprint).catch((error: unknown) => {
      // A store that is down must not take the write routes with it: the write still carries the key.
      this.logger.warn({ msg: 'idempotency store unavailable', errorClass: classOf(error) });
      return undefined;
    });
    if (begun?.kind === 'in-progress') throw new IdempotencyKeyInUseError();
    if (begun?.kind === 'mismatch') throw new IdempotencyKeyReusedError();
    if (begun?.kind === 'replay') {
      context.switchToHttp().getResponse<Response>().setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return of(begun.body);
    }
    if (begun === undefined) return next.handle();
    return next.handle().pipe(
      concatMap((body: unknown) => from(this.settle(scope, fingerprint, mode, body).then(() => body))),
      catchError((error: unknown) =>
        from(this.forget(scope, fingerprint)).pipe(concatMap(() => throwError(() => error))),
      ),
    );
  }

  private async settle(
    scope: string,
    fingerprint: string,
    mode: IdempotencyMode,
    body: unknown,
  ): Promise<void> {
    const json = mode === IdempotencyMode.Replay ? JSON.stringify(body ?? null) : undefined;
    if (json === undefined || Buffer.byteLength(json) > this.settings.maxAnswerBytes)
      return this.forget(scope, fingerprint);
    await this.store
      .complete(scope, fingerprint, JSON.parse(json) as unknown)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'idempotency answer not kept', errorClass: classOf(error) }),
      );
  }

  private async forget(scope: string, fingerprint: string): Promise<void> {
    await this.store
      .release(scope, fingerprint)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'idempotency key not released', errorClass: classOf(error) }),
      );
  }
}

/** What makes two requests "the same" for a key: method, path with query, and (replayed routes) the JSON body. */
function fingerprintOf(req: Request, mode: IdempotencyMode): string {
  const body = mode === IdempotencyMode.Replay ? canonicalJson(req.body) : '';
  return digest([req.method, req.originalUrl, body]);
}

/** JSON with object members in code-point order, so that member order does not change the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}

function classOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
