import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** One parsed request, as the endpoint handlers see it. */
export interface EmulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** `application/x-www-form-urlencoded` body (empty for other content types). */
  readonly form: URLSearchParams;
  /** `https://<host>` the client used, when the host is one the emulator answers to; else the public URL. */
  readonly baseUrl: string;
  /** Our `x-ms-request-id` (= `trace_id` in error bodies). */
  readonly traceId: string;
  /** `client-request-id` from the query or header, else a fresh GUID (Entra echoes it as `correlation_id`). */
  readonly correlationId: string;
  readonly fromLoopback: boolean;
  /** B2C user-flow policy from the path (`/{tenant}/{policy}/...`); absent for Entra ID tenants. */
  readonly policy?: string;
  /** Token endpoint: the client whose federated credential verified this request's client assertion. */
  readonly federatedClientId?: string;
  readonly raw: IncomingMessage;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** A request body over {@link MAX_BODY_BYTES}: answered 413, never read further. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** `decodeURIComponent`, or undefined for a malformed escape (`%ZZ`) instead of a throw. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a form body (≤ 1 MiB). Any other content type yields an empty form. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'POST' || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return new URLSearchParams();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Entra echoes a GUID `client-request-id`; anything else is replaced by a fresh id. */
export function correlationIdOf(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  form?: URLSearchParams,
): string {
  const header = headers['client-request-id'];
  const candidate =
    query.get('client-request-id') ??
    (typeof header === 'string' ? header : undefined) ??
    form?.get('client-request-id');
  return candidate !== null && candidate !== undefined && GUID.test(candidate) ? candidate : randomUUID();
}

export function newTraceId(): string {
  return randomUUID();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *",
    ...headers,
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
