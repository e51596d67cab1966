import type { Readable } from 'node:stream';

import { DownstreamClient, DownstreamFlow, type Principal, RequestContext } from '@chain/auth';
import { formatIdempotencyKey, IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '@chain/platform';
import { Inject, Injectable } from '@nestjs/common';

import { bffConfig, type BffEnv } from '../config/bff.config';
import { RelayMediaTypeError, RelayNotFoundError } from './relay.errors';
import { relayedLocation, relayedPath, relayRoutes } from './relay-path';

/** The methods the relay forwards. */
export type RelayMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The caller's request, as the controller read it. */
export interface RelayRequest {
  readonly method: RelayMethod;
  /** The route name (`notes` for NOTES). */
  readonly name: string;
  /** The URL as received, still percent-encoded (`req.originalUrl`). */
  readonly originalUrl: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body the BFF's JSON parser read (when the request was `application/json`). */
  readonly body: unknown;
}

/** What goes back to the caller: the downstream's status, the relayed headers and its body. */
export interface RelayAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `undefined` for 204/304 (the downstream's stream is closed). */
  readonly body: Readable | undefined;
  /** When the request's time budget (`REQUEST_DEADLINE_MS`) runs out, epoch ms: the body must be over by then. */
  readonly deadlineAtMs: number;
}

/** Request headers relayed as they are (besides `idempotency-key`, which is checked first). */
const FORWARDED_HEADERS = ['accept', 'if-match', 'if-none-match'] as const;
/** Answer headers relayed as they are (`location` is rewritten, see {@link relayedLocation}). */
const RELAYED_HEADERS = ['content-type', 'etag'] as const;

/**
 * The relay of `/api/relay/<name>/<path...>` to the downstreams declared with `RELAY=true`, on behalf of
 * the signed-in user (Duende BFF's remote APIs; docs/bff-relay.md). The downstream token comes from
 * libs/auth's client per the downstream's flow (on-behalf-of or verified delegation): the caller's own
 * token is never forwarded. Failures are libs/auth's typed errors, mapped as for every other route.
 */
@Injectable()
export class RelayService {
  private readonly routes: ReadonlyMap<string, string>;

  constructor(
    private readonly downstreams: DownstreamClient,
    @Inject(bffConfig.KEY) private readonly env: BffEnv,
  ) {
    for (const name of env.relayed) {
      // The config refuses it already; an environment built by hand must not get past it either.
      if (env.downstreams[name]?.flow === DownstreamFlow.ClientCredentials)
        throw new Error(`downstream ${name} is client-credentials: the relay acts for users only`);
    }
    this.routes = relayRoutes(env.relayed);
  }

  /**
   * Calls the downstream and returns its answer to stream back.
   *
   * @throws RelayNotFoundError (404) for a name that is not relayed, RelayPathError (400) for a path that
   *   could leave the downstream's base path, RelayMediaTypeError (415) for a body that is not JSON, and
   *   libs/auth's errors for the call itself.
   */
  async relay(user: Principal, request: RelayRequest): Promise<RelayAnswer> {
    const downstream = this.routes.get(request.name);
    if (downstream === undefined) throw new RelayNotFoundError();
    const path = relayedPath(request.originalUrl);
    const body = requestBody(request);
    const headers = forwardedHeaders(request.headers, body !== undefined);
    const answer = await this.downstreams
      .forUser(downstream, user)
      .stream(request.method, path, body, { headers });
    const baseUrl = this.env.downstreams[downstream]!.baseUrl;
    const location = answer.headers['location'];
    const relayedTo =
      location === undefined
        ? undefined
        : relayedLocation(location, downstreamUrl(baseUrl, path), baseUrl, request.name);
    const empty = answer.status === 204 || answer.status === 304;
    if (empty) answer.data.destroy();
    return {
      status: answer.status,
      headers: {
        ...pick(answer.headers, RELAYED_HEADERS),
        ...(relayedTo === undefined ? {} : { location: relayedTo }),
      },
      body: empty ? undefined : answer.data,
      deadlineAtMs: (RequestContext.current()?.receivedAtMs ?? Date.now()) + this.env.REQUEST_DEADLINE_MS,
    };
  }
}

/**
 * The body to forward: the parsed JSON re-serialised, `undefined` without one. A body of any other type is
 * refused (415): the BFF's JSON parser, with its size and depth limits, read only a JSON body.
 */
function requestBody(request: RelayRequest): Buffer | undefined {
  if (!hasBody(request.headers)) return undefined;
  if (!isJson(request.headers['content-type'])) throw new RelayMediaTypeError();
  return request.method === 'GET' ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
}

/** As body-parser decides it: a `Transfer-Encoding`, or a `Content-Length` other than 0. */
function hasBody(headers: RelayRequest['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function forwardedHeaders(headers: RelayRequest['headers'], withBody: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const key = parseIdempotencyKey(headers[IDEMPOTENCY_KEY_HEADER]);
  if (key !== undefined) out[IDEMPOTENCY_KEY_HEADER] = formatIdempotencyKey(key);
  if (withBody) out['content-type'] = 'application/json';
  return out;
}

function pick(headers: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((name) => (headers[name] === undefined ? [] : [[name, headers[name]]])),
  );
}

/** The downstream URL of a relayed path (a relative `Location` resolves against it). */
function downstreamUrl(baseUrl: string, path: string): string {
  return new URL(path.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}
