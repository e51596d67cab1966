import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { LRUCache } from 'lru-cache';

import { transportCodeOf } from '../errors/transport-cause';
import { TokenServiceFailureKind } from './token-acquirer.port';

/** What the transport saw for one MSAL request that did not end in a 2xx answer. */
export interface TransportObservation {
  readonly kind: TokenServiceFailureKind;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** `error_codes` of an OAuth error body (AADSTS numbers, all of them). */
  readonly errorCodes?: readonly number[];
  /** `trace_id` of an OAuth error body. */
  readonly traceId?: string;
  /** No answer: the Node.js error code (TLS, DNS, connection). */
  readonly transportCode?: string;
}

/** Settings of {@link TokenServiceHttpClient}. */
export interface TokenServiceHttpClientOptions {
  /** Socket-level timeout of one request, in milliseconds. */
  readonly timeoutMs: number;
  /** Extra PEM CA(s) appended to Node's root store; verification stays on. */
  readonly caPem?: string;
}

const MAX_BODY_BYTES = 1_048_576;

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * MSAL's `system.networkClient`: plain `node:https` with keep-alive, an optional extra CA, a socket timeout,
 * and a side record per correlation id of what MSAL's errors leave out: the `Retry-After` header, every
 * AADSTS number of the error body (MSAL keeps only the first, as `errorNo`), its `trace_id`, and the
 * Node.js code of a transport failure (TLS, DNS, connection).
 */
export class TokenServiceHttpClient implements INetworkModule {
  private readonly agent: https.Agent;
  private readonly observations = new LRUCache<string, TransportObservation>({ max: 1_000, ttl: 60_000 });

  constructor(private readonly options: TokenServiceHttpClientOptions) {
    const ca = options.caPem ? [...tls.rootCertificates, options.caPem] : undefined;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 64, ...(ca ? { ca } : {}) });
  }

  /** Takes (and forgets) what the transport saw for `correlationId`. */
  takeObservation(correlationId: string): TransportObservation | undefined {
    const seen = this.observations.get(correlationId);
    this.observations.delete(correlationId);
    return seen;
  }

  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  /** Closes pooled sockets. */
  destroy(): void {
    this.agent.destroy();
  }

  private async send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const correlationId = options?.correlationId ?? new URL(url).searchParams.get('client-request-id') ?? '';
    try {
      const response = await this.request(method, url, options);
      const body = parseBody(response);
      this.observe(correlationId, response, body);
      return { status: response.status, headers: response.headers, body: body as T };
    } catch (error) {
      const timedOut = error instanceof Error && error.message === 'token service request timed out';
      this.observations.set(correlationId, {
        kind: timedOut ? TokenServiceFailureKind.Timeout : TokenServiceFailureKind.Network,
        transportCode: timedOut ? undefined : transportCodeOf(error),
      });
      throw error;
    }
  }

  private observe(correlationId: string, response: RawResponse, body: unknown): void {
    if (response.status < 400) return;
    const retryable = response.status === 429 || response.status >= 500;
    this.observations.set(correlationId, {
      kind: retryable ? TokenServiceFailureKind.Unavailable : TokenServiceFailureKind.Rejected,
      status: response.status,
      retryAfterSeconds: parseRetryAfter(response.headers['retry-after'], Date.now()),
      ...oauthErrorFields(body),
    });
  }

  private request(method: string, url: string, options?: NetworkRequestOptions): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === 'http:' ? http : https;
      const req = transport.request(
        target,
        {
          method,
          headers: options?.headers,
          agent: target.protocol === 'http:' ? undefined : this.agent,
          timeout: this.options.timeoutMs,
        },
        (res) => collect(res, resolve, reject),
      );
      req.on('timeout', () => req.destroy(new Error('token service request timed out')));
      req.on('error', reject);
      req.end(method === 'POST' ? (options?.body ?? '') : undefined);
    });
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function collect(
  res: http.IncomingMessage,
  resolve: (r: RawResponse) => void,
  reject: (e: Error) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) res.destroy(new Error('token service response too large'));
    else chunks.push(chunk);
  });
  res.on('error', reject);
  res.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
  });
}

/** `error_codes` (numbers) and `trace_id` of an OAuth error body, when well-formed. */
function oauthErrorFields(body: unknown): Pick<TransportObservation, 'errorCodes' | 'traceId'> {
  if (body === null || typeof body !== 'object') return {};
  const { error_codes: codes, trace_id: traceId } = body as Record<string, unknown>;
  const errorCodes = Array.isArray(codes)
    ? codes.filter((c): c is number => typeof c === 'number' && Number.isInteger(c))
    : [];
  return {
    ...(errorCodes.length > 0 ? { errorCodes } : {}),
    ...(typeof traceId === 'string' && traceId !== '' ? { traceId: traceId.slice(0, 64) } : {}),
  };
}

/** JSON body, or an OAuth-shaped error for a non-JSON answer (an HTML 503 page from a gateway). */
function parseBody(response: RawResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    const error = response.status >= 500 ? 'server_error' : 'client_error';
    return { error, error_description: `HTTP ${response.status} with a non-JSON body` };
  }
}
