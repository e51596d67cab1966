import { Readable } from 'node:stream';

import type { HttpService } from '@nestjs/axios';
import type { AxiosResponse, Method, ResponseType } from 'axios';

import { RequestContext } from '../context';
import { buildBearerChallenge, parseBearerChallenge } from '../errors';
import { TokenBrokerError } from '../token-broker/token-broker.errors';
import { type DownstreamDeclaration, DownstreamFlow } from '../token-broker/token-broker.options';
import type { AcquireOptions, BrokeredToken } from '../token-broker/token-broker.service';
import { USER_DELEGATION_HEADER } from '../validation/user-delegation';
import { CHAIN_TRACE_HEADER, decodeChainTrace } from './chain-trace';
import { mapDownstreamStatus, mapDownstreamTransportError } from './downstream-error.mapper';
import type { HopRecord } from './hop-record';
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
}

interface CallSpec {
  readonly method: Method;
  readonly path: string;
  readonly body?: DownstreamBody;
  readonly options: DownstreamRequestOptions;
  readonly responseType: ResponseType;
}

const ERROR_BODY_LIMIT = 65_536;

/**
 * A typed client for one declared downstream, bound to one caller (a user via on-behalf-of or verified
 * delegation, or the app). Every call attaches `Authorization: Bearer <downstream token>` (never the
 * incoming token), `X-User-Delegation: <proof>` for verified delegation, `x-correlation-id` and a child
 * `traceparent`; applies the declared timeout; retries once with the requested claims when the downstream
 * answers 401 `insufficient_claims` (except for verified delegation, where the challenge is relayed at once:
 * an app token cannot satisfy user claims); maps failures to typed errors; and appends a {@link HopRecord}
 * to the current request context.
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
    const url = resolveUnder(this.deps.declaration.baseUrl, spec.path, this.deps.name);
    let token = await this.deps.token({ claims: spec.options.claims });
    let response = await this.send(spec, url, token);
    const claims = stepUpClaims(response);
    if (claims !== undefined && this.retriesClaims(spec)) {
      // The refused attempt is a hop of its own: the retry below may never happen (the token service
      // can answer the claims with interaction_required), and the inspector must still show it.
      this.record(spec, response, token, Date.now() - started);
      await drain(response);
      const retried = Date.now();
      token = await this.deps.token({ claims });
      response = await this.send(spec, url, token);
      this.record(spec, response, token, Date.now() - retried);
    } else {
      this.record(spec, response, token, Date.now() - started);
    }
    if (response.status >= 400) throw await this.failure(response);
    return { status: response.status, headers: flatHeaders(response), data: response.data as T };
  }

  /** Whether a claims challenge is worth one retry with a new token (never for verified delegation). */
  private retriesClaims(spec: CallSpec): boolean {
    return (
      this.deps.flow !== DownstreamFlow.VerifiedDelegation &&
      !spec.options.claims &&
      !(spec.body instanceof Readable)
    );
  }

  private async send(spec: CallSpec, url: URL, token: BrokeredToken): Promise<AxiosResponse> {
    const timeoutMs = spec.options.timeoutMs ?? this.deps.declaration.timeoutMs;
    const started = Date.now();
    try {
      // axiosRef, not the Observable wrapper: that one creates a (deprecated) CancelToken per request
      // and cancels it after completion, building an error with a stack trace every time.
      return await this.deps.http.axiosRef.request({
        url: url.toString(),
        method: spec.method,
        data: spec.body,
        params: spec.options.query,
        headers: this.headers(spec.options, token),
        timeout: timeoutMs,
        responseType: spec.responseType,
        maxRedirects: 0,
        validateStatus: () => true,
      });
    } catch (error) {
      const mapped = mapDownstreamTransportError(this.deps.name, timeoutMs, error);
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

function headerOf(response: Pick<AxiosResponse, 'headers'>, name: string): string | undefined {
  const value: unknown = (response.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
}

function flatHeaders(response: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string') out[key.toLowerCase()] = value;
    else if (Array.isArray(value)) out[key.toLowerCase()] = value.join(', ');
    else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
  }
  return out;
}

function challengeOf(
  response: AxiosResponse,
): { error?: string; errorDescription?: string; claims?: string } | undefined {
  const header = headerOf(response, 'www-authenticate');
  return header ? parseBearerChallenge(header) : undefined;
}

/** The claims JSON of a 401 `insufficient_claims` challenge (ENTRA.md §7), if any. */
function stepUpClaims(response: AxiosResponse): string | undefined {
  if (response.status !== 401) return undefined;
  const challenge = challengeOf(response);
  return challenge?.error === 'insufficient_claims' && challenge.claims ? challenge.claims : undefined;
}

/** 401 `claims_challenge` carrying the downstream's claims, for the caller to step up (ENTRA.md §7). */
function claimsChallenge(name: string, claims: string): TokenBrokerError {
  return new TokenBrokerError({
    code: 'claims_challenge',
    status: 401,
    detail: `Downstream "${name}" requires a stronger sign-in (claims challenge); acquire a new token with the claims in WWW-Authenticate and retry.`,
    wwwAuthenticate: buildBearerChallenge({
      error: 'insufficient_claims',
      errorDescription: 'A claims challenge from a downstream API must be satisfied',
      claims: Buffer.from(claims, 'utf8').toString('base64'),
    }),
    extensions: { downstream: name },
  });
}

async function drain(response: AxiosResponse): Promise<void> {
  if (response.data instanceof Readable) response.data.destroy();
}

async function readJson(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > ERROR_BODY_LIMIT) {
      stream.destroy();
      break;
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
