import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Params } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';

import type { LogLevel } from '../config/env-fields';
import { CORRELATION_ID_HEADER, correlationIdFrom } from '../context/correlation-id.middleware';
import { REDACTED, redactSecrets, redactString } from './redact-secrets';

/** Request headers worth logging; everything else (Authorization, Cookie, …) is never serialized. */
const LOGGED_REQUEST_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'traceparent',
  CORRELATION_ID_HEADER,
];
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', CORRELATION_ID_HEADER];

/** Defence in depth: even if a serializer lets headers through, these paths are censored. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
] as const;

export interface LoggerParamsOptions {
  /** Service name, logged as `name` on every line. */
  readonly name: string;
  /** Minimum level; `silent` turns logging off (tests). */
  readonly level: LogLevel;
  /** Where to write (default stdout); tests pass a stream to inspect the lines. */
  readonly destination?: DestinationStream;
}

/** nestjs-pino parameters: JSON lines, credentials redacted, no bodies, correlation id on every request line. */
export function buildLoggerParams(options: LoggerParamsOptions): Params {
  const pinoHttp = {
    name: options.name,
    level: options.level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    formatters: { log: (record: Record<string, unknown>) => redactSecrets(record) },
    hooks: { logMethod: redactStringArguments },
    genReqId: correlationIdOf,
    customProps: (req: IncomingMessage) => ({ correlationId: req.id }),
    customLogLevel: levelForStatus,
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
    serializers: { req: serializeRequest, res: serializeResponse },
  };
  return { pinoHttp: options.destination ? [pinoHttp, options.destination] : pinoHttp };
}

/**
 * Uses a well-formed incoming `x-correlation-id`, else a new UUID, and writes it back to the request
 * headers so the correlation middleware and the logs agree on one id.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const id = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
  req.headers[CORRELATION_ID_HEADER] = id;
  return id;
}

function levelForStatus(_req: IncomingMessage, res: ServerResponse, error?: Error): LevelWithSilent {
  if (error !== undefined || res.statusCode >= 500) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}

function redactStringArguments(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
  method.apply(
    this,
    args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg)),
  );
}

interface SerializedMessage {
  id?: unknown;
  method?: string;
  url?: string;
  statusCode?: number;
  remoteAddress?: string;
  headers?: Record<string, unknown>;
}

function serializeRequest(req: SerializedMessage): SerializedMessage {
  return {
    id: req.id,
    method: req.method,
    // The query string is dropped: authorization codes and tokens can travel there.
    url: (req.url ?? '').split('?')[0],
    remoteAddress: req.remoteAddress,
    headers: pick(req.headers, LOGGED_REQUEST_HEADERS),
  };
}

function serializeResponse(res: SerializedMessage): SerializedMessage {
  return { statusCode: res.statusCode, headers: pick(res.headers, LOGGED_RESPONSE_HEADERS) };
}

function pick(
  headers: Record<string, unknown> | undefined,
  names: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = headers?.[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
