import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A request made by the harness: plain HTTP to the apps, HTTPS to the emulator with its CA trusted explicitly. */
export interface HarnessRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** PEM of the CA to trust for HTTPS (the emulator's local CA). TLS checks stay on. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** The response, body fully read. */
export interface HarnessResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/** One HTTP(S) exchange without following redirects (the sign-in helper reads each redirect itself). */
export function harnessRequest(url: string, options: HarnessRequest = {}): Promise<HarnessResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${req.method} ${target.origin}${target.pathname} timed out`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function toResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): HarnessResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

/** `application/x-www-form-urlencoded` body and header for a form post. */
export function formPost(fields: Readonly<Record<string, string>>): {
  body: string;
  headers: Record<string, string>;
} {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}
