import { Readable } from 'node:stream';

import type { HopRecord } from '@chain/contracts';
import type { HttpService } from '@nestjs/axios';
import type { AxiosResponse, Method, ResponseType } from 'axios';

import { RequestContext } from '../context';
import { type Deadline, requestDeadline } from '../context/request-deadline';
import { TokenBrokerError } from '../token-broker/token-broker.errors';
import {
  type DownstreamDeclaration,
  DownstreamFlow,
  TOKEN_BROKER_DEFAULTS,
} from '../token-broker/token-broker.options';
import type { AcquireOptions, BrokeredToken } from '../token-broker/token-broker.service';
import { USER_DELEGATION_HEADER } from '../validation/user-delegation';
import { CHAIN_TRACE_HEADER, decodeChainTrace } from './chain-trace';
import {
  downstreamBudgetSpent,
  mapDownstreamStatus,
  mapDownstreamTransportError,
  MIN_DOWNSTREAM_CALL_MS,
} from './downstream-error.mapper';
import {
  challengeOf,
  claimsChallenge,
  drain,
  flatHeaders,
  headerOf,
  readJson,
  refusesToken,
  stepUpClaims,
} from './downstream-response';
import { displayClaims } from './token-claims';
import { childTraceparent } from './traceparent';

/** Per-call options; the base URL is fixed by the declaration and cannot be changed here. */
export interface DownstreamRequestOptions {
  /**
   * Extra request headers. `Authorization`, `X-User-Delegation`, `x-correlation-id` and `traceparent` are
   * always the client's own.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters; `undefined` values are dropped. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Overrides the declared timeout for this call, in milliseconds. */
  readonly timeoutMs?: number;
  /** Extra claims to request in the token (a claims challenge JSON); bypasses the token cache. */
  readonly claims?: string;
}

/** A downstream answer (2xx/3xx); error answers are thrown as typed errors. */
export interface DownstreamResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: T;
}

/** A request body: JSON-serialisable data, a Buffer/string, or a stream (sent as is, never buffered). */
export type DownstreamBody = unknown;

/** What the API needs from its client: the declaration, a token source, the HTTP service, the caller's name. */
export interface DownstreamApiDeps {
  readonly name: string;
  readonly from: string;
  readonly declaration: Required<Pick<DownstreamDeclaration, 'timeoutMs'>> & DownstreamDeclaration;
  readonly flow: DownstreamFlow;
  readonly http: HttpService;
  readonly token: (options: AcquireOptions) => Promise<BrokeredToken>;
  /** Time budget of one incoming request, in ms (`TokenBrokerOptions.requestDeadlineMs`). Default 12 000. */
  readonly requestDeadlineMs?: number;
}

interface CallSpec {
  readonly method: Method;
  readonly path: string;
  readonly body?: DownstreamBody;
  readonly options: DownstreamRequestOptions;
  readonly responseType: ResponseType;
}

/**
 * A typed client for one declared downstream, bound to one caller (a user via on-behalf-of or verified
 * delegation, or the app). Every call attaches `Authorization: Bearer <downstream token>` (never the
 * incoming token), `X-User-Delegation: <proof>` for verified delegation, `x-correlation-id` and a child
 * `traceparent`; applies the declared timeout, cut to what is left of the incoming request's time budget;
 * retries once with the requested claims when the downstream answers 401 `insufficient_claims` (except for
 * verified delegation, where the challenge is relayed at once: an app token cannot satisfy user claims);
 * retries once with a new token when the downstream refuses a cached one (401: e.g. signed with a key the
 * authority has retired since), and answers 502 if it refuses that one too — a downstream's 401 is about
 * this service's token, never the caller's; maps failures to typed errors; and appends a
 * {@link HopRecord} to the current request context.
 */
export class DownstreamApi {
  constructor(private readonly deps: DownstreamApiDeps) {}

  get<T = unknown>(path: string, options: DownstreamRequestOptions = {}): Promise<DownstreamResponse<T>> {
    return this.json<T>({ method: 'GET', path, options, responseType: 'json' });
  }

  delete<T = unknown>(path: string, options: DownstreamRequestOptions = {}): Promise<DownstreamResponse<T>> {
    return this.json<T>({ method: 'DELETE', path, options, responseType: 'json' });
  }

  post<T = unknown>(
    path: string,
    body?: DownstreamBody,
    options: DownstreamRequestOptions = {},
  ): Promise<DownstreamResponse<T>> {
    return this.json<T>({ method: 'POST', path, body, options, responseType: 'json' });
  }

  put<T = unknown>(
    path: string,
    body?: DownstreamBody,
    options: DownstreamRequestOptions = {},
  ): Promise<DownstreamResponse<T>> {
    return this.json<T>({ method: 'PUT', path, body, options, responseType: 'json' });
  }

  patch<T = unknown>(
    path: string,
    body?: DownstreamBody,
    options: DownstreamRequestOptions = {},
  ): Promise<DownstreamResponse<T>> {
    return this.json<T>({ method: 'PATCH', path, body, options, responseType: 'json' });
  }

  /** Any method with a streamed response body (`data` is a `Readable`; consume or destroy it). */
  stream(
    method: Method,
    path: string,
    body?: DownstreamBody,
    options: DownstreamRequestOptions = {},
  ): Promise<DownstreamResponse<Readable>> {
    return this.call<Readable>({ method, path, body, options, responseType: 'stream' });
  }

  private json<T>(spec: CallSpec): Promise<DownstreamResponse<T>> {
    return this.call<T>(spec);
  }

  private async call<T>(spec: CallSpec): Promise<DownstreamResponse<T>> {
    const started = Date.now();
    const deadline = requestDeadline(this.deps.requestDeadlineMs ?? TOKEN_BROKER_DEFAULTS.requestDeadlineMs);
    const url = resolveUnder(this.deps.declaration.baseUrl, spec.path, this.deps.name);
    let token = await this.deps.token({ claims: spec.options.claims, deadline });
    let response = await this.send(spec, url, token, deadline);
    const retry = this.retryFor(spec, response, token);
    if (retry) {
      // The refused attempt is a hop of its own: the retry below may never happen (the token service
      // can answer the claims with interaction_required), and the inspector must still show it.
      this.record(spec, response, token, Date.now() - started);
      await drain(response);
      const retried = Date.now();
      token = await this.deps.token({ ...retry, deadline });
      response = await this.send(spec, url, token, deadline);
      this.record(spec, response, token, Date.now() - retried);
    } else {
      this.record(spec, response, token, Date.now() - started);
      this.evictIfRefused(response, token);
    }
    if (response.status >= 400) throw await this.failure(response);
    return { status: response.status, headers: flatHeaders(response), data: response.data as T };
  }

  /**
   * How to acquire for one retry, if any: with the claims of an `insufficient_claims` challenge (never for
   * verified delegation), or instead of a cached token the downstream refused. A fresh token that is
   * refused is not retried (a new one would be refused too), nor is a streamed body (it is spent).
   */
  private retryFor(
    spec: CallSpec,
    response: AxiosResponse,
    token: BrokeredToken,
  ): AcquireOptions | undefined {
    if (spec.body instanceof Readable) return undefined;
    const claims = stepUpClaims(response);
    if (claims !== undefined)
      return this.deps.flow !== DownstreamFlow.VerifiedDelegation && !spec.options.claims
        ? { claims }
        : undefined;
    return refusesToken(response) && token.source !== 'token-service' ? { refused: token } : undefined;
  }

  /** A refused cached token that could not be retried (streamed body): evicted for the next request. */
  private evictIfRefused(response: AxiosResponse, token: BrokeredToken): void {
    if (!refusesToken(response) || token.source === 'token-service') return;
    this.deps.token({ refused: token }).catch(() => undefined);
  }

  private async send(
    spec: CallSpec,
    url: URL,
    token: BrokeredToken,
    deadline: Deadline,
  ): Promise<AxiosResponse> {
    const declared = spec.options.timeoutMs ?? this.deps.declaration.timeoutMs;
    const timeoutMs = Math.min(declared, deadline.remainingMs());
    const started = Date.now();
    if (timeoutMs < MIN_DOWNSTREAM_CALL_MS) {
      const spent = downstreamBudgetSpent(this.deps.name);
      this.record(spec, { status: spent.status, headers: {} }, token, 0);
      throw spent;
    }
    try {
      // axiosRef, not the Observable wrapper: that one creates a (deprecated) CancelToken per request
      // and cancels it after completion, building an error with a stack trace every time.
      return await this.deps.http.axiosRef.request({
        url: url.toString(),
        method: spec.method,
        data: spec.body,
        params: spec.options.query,
        headers: this.headers(spec.options, token),
        // `timeout` is an idle timeout; a buffered answer also gets a hard cap, so that a downstream that
        // trickles its answer cannot hold the request past its deadline. A stream is the caller's to pace.
        timeout: timeoutMs,
        ...(spec.responseType === 'stream' ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
        responseType: spec.responseType,
        maxRedirects: 0,
        validateStatus: () => true,
      });
    } catch (error) {
      const mapped = mapDownstreamTransportError(this.deps.name, timeoutMs, error, timeoutMs < declared);
      this.record(spec, { status: mapped.status, headers: {} }, token, Date.now() - started);
      throw mapped;
    }
  }

  private headers(options: DownstreamRequestOptions, token: BrokeredToken): Record<string, string> {
    const context = RequestContext.current();
    const own = new Set([
      'authorization',
      USER_DELEGATION_HEADER,
      'x-correlation-id',
      'traceparent',
      'cookie',
    ]);
    const headers = Object.fromEntries(
      Object.entries(options.headers ?? {}).filter(([k]) => !own.has(k.toLowerCase())),
    );
    return {
      ...headers,
      authorization: `Bearer ${token.accessToken}`,
      ...(token.delegationProof ? { [USER_DELEGATION_HEADER]: token.delegationProof } : {}),
      traceparent: childTraceparent(context?.traceparent),
      ...(context?.correlationId ? { 'x-correlation-id': context.correlationId } : {}),
    };
  }

  private record(
    spec: CallSpec,
    response: Pick<AxiosResponse, 'status' | 'headers'>,
    token: BrokeredToken,
    durationMs: number,
  ): void {
    const hops = RequestContext.current()?.hops;
    if (!hops) return;
    const children = decodeChainTrace(headerOf(response, CHAIN_TRACE_HEADER));
    const hop: HopRecord = {
      from: this.deps.from,
      to: this.deps.name,
      flow: token.flow,
      method: spec.method,
      path: spec.path.split('?')[0] ?? spec.path,
      status: response.status,
      durationMs,
      token: {
        source: token.source,
        acquireMs: token.acquireMs,
        claims: displayClaims(token.accessToken),
        ...(token.delegationProof ? { delegation: displayClaims(token.delegationProof) } : {}),
      },
      ...(children ? { children } : {}),
    };
    hops.push(hop);
  }

  private async failure(response: AxiosResponse): Promise<Error> {
    const data: unknown = response.data;
    const body = data instanceof Readable ? await readJson(data) : data;
    const claims = stepUpClaims(response);
    if (claims !== undefined) return claimsChallenge(this.deps.name, claims);
    const challenge = challengeOf(response);
    const retryAfter = Number(headerOf(response, 'retry-after'));
    return mapDownstreamStatus(
      this.deps.name,
      response.status,
      body,
      challenge,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
}

/** Resolves `path` under `baseUrl`; a path that would leave the base URL (absolute, `//host`, `..`) is refused. */
export function resolveUnder(baseUrl: string, path: string, name: string): URL {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const relative = path.replace(/^\/+/, '');
  const url = new URL(relative, base);
  if (
    !path.startsWith('/') ||
    path.startsWith('//') ||
    url.origin !== base.origin ||
    !url.pathname.startsWith(base.pathname)
  ) {
    throw new TokenBrokerError({
      code: 'validation_failed',
      status: 400,
      detail: `The path for downstream "${name}" must start with "/" and stay under its base URL.`,
    });
  }
  return url;
}
