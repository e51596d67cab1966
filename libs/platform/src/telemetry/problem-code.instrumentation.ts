import type { ArgumentsHost } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

import { ChainAttribute, type ChainMetrics } from './chain.metrics';
import { type Method, wrapMethod } from './wrap-method';

/** The problem+json filter of @chain/auth (`ProblemDetailsFilter`), whose answers are counted. */
export interface ProblemFilterClass {
  readonly prototype: { catch: unknown };
}

/** What the filter writes to: an Express response (status, and `send` of the problem body). */
interface SentResponse {
  statusCode: number;
  send(body?: unknown): unknown;
}

const COUNTED_STATUSES = new Set([401, 403]);

/**
 * Counts every 401 and 403 the app answers by its problem `code` (`chain.auth.rejections`) and sets that
 * code on the request's server span (`chain.error.code`), by observing the one global problem+json filter:
 * the body it sends is read for `code` only.
 *
 * @returns the function that removes the instrumentation.
 */
export function instrumentProblemCodes(filter: ProblemFilterClass, metrics: ChainMetrics): () => void {
  return wrapMethod(filter.prototype, 'catch', (original) => catchWrapper(original, metrics));
}

function catchWrapper(original: Method, metrics: ChainMetrics): Method {
  return function catchAndCount(this: unknown, exception: unknown, host: ArgumentsHost): unknown {
    const res = responseOf(host);
    if (res === undefined) return Reflect.apply(original, this, [exception, host]);
    let sent: unknown;
    const restore = observeSend(res, (body) => (sent = body));
    try {
      return Reflect.apply(original, this, [exception, host]);
    } finally {
      restore();
      if (COUNTED_STATUSES.has(res.statusCode)) record(res.statusCode, problemCodeOf(sent), metrics);
    }
  };
}

function responseOf(host: ArgumentsHost): SentResponse | undefined {
  if (host.getType() !== 'http') return undefined;
  const res: unknown = host.switchToHttp().getResponse();
  const candidate = res as Partial<SentResponse> | undefined;
  return typeof candidate?.send === 'function' && typeof candidate.statusCode === 'number'
    ? (candidate as SentResponse)
    : undefined;
}

/** Sees the body passed to `res.send` during one filter call; returns the function that stops watching. */
function observeSend(res: SentResponse, seen: (body: unknown) => void): () => void {
  const own = Object.prototype.hasOwnProperty.call(res, 'send');
  const send = res.send;
  res.send = function observedSend(this: unknown, body?: unknown): unknown {
    seen(body);
    return Reflect.apply(send, this, [body]);
  };
  return () => {
    if (own) res.send = send;
    else delete (res as Partial<SentResponse>).send;
  };
}

function problemCodeOf(body: unknown): string {
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    const code = (parsed as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : 'unknown';
  } catch {
    return 'unknown';
  }
}

function record(status: number, code: string, metrics: ChainMetrics): void {
  metrics.authRejections.add(1, { [ChainAttribute.HttpStatus]: status, [ChainAttribute.ErrorCode]: code });
  // The HTTP server span (kept by the http instrumentation as RPC metadata), else whatever is active.
  const span = getRPCMetadata(context.active())?.span ?? trace.getActiveSpan();
  span?.setAttribute(ChainAttribute.ErrorCode, code);
}
