import { ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';

import type { Attributes, Span } from '@opentelemetry/api';

import { ChainAttribute, type ChainMetrics } from './chain.metrics';

/** Names an outgoing request by the declared downstream whose base URL it falls under. */
export class DownstreamResolver {
  private readonly bases: { name: string; origin: string; path: string }[];

  /** @param baseUrls base URL per downstream name (`DOWNSTREAM_APIS__<NAME>__BASE_URL`). */
  constructor(baseUrls: Readonly<Record<string, string>>) {
    this.bases = Object.entries(baseUrls)
      .flatMap(([name, value]) => {
        const url = parseUrl(value);
        return url === undefined
          ? []
          : [{ name, origin: url.origin, path: url.pathname.replace(/\/+$/, '') }];
      })
      // The longest base path wins when two downstreams share an origin.
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The downstream `url` belongs to, if any. */
  nameOf(url: URL | undefined): string | undefined {
    if (url === undefined) return undefined;
    const found = this.bases.find(
      (b) => b.origin === url.origin && (url.pathname === b.path || url.pathname.startsWith(`${b.path}/`)),
    );
    return found?.name;
  }
}

/** The `startOutgoingSpanHook` / `requestHook` pair of the http instrumentation for downstream calls. */
export interface DownstreamHttpHooks {
  startOutgoingSpanHook(options: RequestOptions): Attributes;
  requestHook(span: Span, request: ClientRequest | IncomingMessage): void;
}

/**
 * Tags client spans of calls to a declared downstream with `chain.downstream`, and records each call's
 * duration (`chain.downstream.duration`, seconds, by downstream, method and status — or `error.type` when
 * no response came). `metrics()` is read per call: the instruments exist only once the SDK started.
 */
export function downstreamHttpHooks(
  resolver: DownstreamResolver,
  metrics: () => ChainMetrics | undefined,
): DownstreamHttpHooks {
  return {
    startOutgoingSpanHook(options) {
      const name = resolver.nameOf(urlOfOptions(options));
      return name === undefined ? {} : { [ChainAttribute.Downstream]: name };
    },
    requestHook(_span, request) {
      if (!(request instanceof ClientRequest)) return;
      const name = resolver.nameOf(urlOfRequest(request));
      const instruments = metrics();
      if (name !== undefined && instruments !== undefined) timeCall(request, name, instruments);
    },
  };
}

function timeCall(request: ClientRequest, downstream: string, metrics: ChainMetrics): void {
  const started = performance.now();
  let done = false;
  const finish = (outcome: Attributes): void => {
    if (done) return;
    done = true;
    metrics.downstreamDuration.record((performance.now() - started) / 1_000, {
      [ChainAttribute.Downstream]: downstream,
      [ChainAttribute.HttpMethod]: request.method,
      ...outcome,
    });
  };
  request.once('response', (response: IncomingMessage) => {
    const status = { [ChainAttribute.HttpStatus]: response.statusCode ?? 0 };
    response.once('end', () => finish(status));
    response.once('close', () => finish(status));
  });
  request.once('error', (error: NodeJS.ErrnoException) =>
    finish({ [ChainAttribute.ErrorType]: error.code ?? error.name }),
  );
}

function urlOfOptions(options: RequestOptions): URL | undefined {
  const protocol = options.protocol ?? 'http:';
  const host = options.hostname ?? options.host ?? 'localhost';
  const port = options.port === undefined || options.port === null ? '' : `:${String(options.port)}`;
  return parseUrl(`${protocol}//${host.includes(':') ? `[${host}]` : host}${port}${options.path ?? '/'}`);
}

function urlOfRequest(request: ClientRequest): URL | undefined {
  const host = request.getHeader('host');
  return typeof host === 'string' ? parseUrl(`${request.protocol}//${host}${request.path}`) : undefined;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
