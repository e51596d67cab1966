import type { SignedIn } from '@chain/testing';

/** A response of an API of the chain, body parsed when it is JSON. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly bytes: Buffer;
}

/** A file to upload as the `file` field of a multipart form. */
export interface UploadFile {
  readonly name: string;
  readonly type: string;
  readonly bytes: Buffer;
}

/** Calls an API of the chain with a signed-in user's (or an app's) bearer token, as the SPA does. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: Pick<SignedIn, 'accessToken'> | undefined,
  ) {}

  /** `options.headers`: extra request headers (e.g. a user-delegation proof). */
  get<T = Record<string, unknown>>(
    path: string,
    options: { readonly headers?: Readonly<Record<string, string>> } = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>('GET', path, undefined, options.headers);
  }

  post<T = Record<string, unknown>>(path: string, json?: unknown): Promise<ApiResponse<T>> {
    return this.send<T>('POST', path, json === undefined ? undefined : JSON.stringify(json));
  }

  upload<T = Record<string, unknown>>(path: string, file: UploadFile): Promise<ApiResponse<T>> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return this.send<T>('POST', path, form);
  }

  private async send<T>(
    method: string,
    path: string,
    body?: string | FormData,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extra };
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token.accessToken}`;
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const json = /json/.test(res.headers.get('content-type') ?? '') && bytes.length > 0;
    return {
      status: res.status,
      headers: res.headers,
      bytes,
      body: (json ? JSON.parse(bytes.toString('utf8')) : {}) as T,
    };
  }
}

/** The parameters of a `WWW-Authenticate: Bearer …` challenge (quoted-string aware, RFC 7235 §2.1). */
export function bearerParams(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/gi)) {
    params[(m[1] as string).toLowerCase()] = (m[2] as string).replace(/\\(.)/g, '$1');
  }
  return params;
}

/** An answer of the BFF with the time it took, as a client measures it (connect to last byte). */
export interface TimedAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

/** What {@link timedCall} sends: a JSON body or a file (multipart `file` field), and an `Idempotency-Key`. */
export interface TimedCallOptions {
  readonly json?: unknown;
  readonly file?: { readonly name: string; readonly bytes: Buffer };
  readonly key?: string;
}

/**
 * One request to an API of the chain with `token` (and, given `key`, `Idempotency-Key: "<key>"`, the
 * draft's sf-string form), timed from the first byte sent to the last byte read.
 */
export async function timedCall(
  baseUrl: string,
  token: Pick<SignedIn, 'accessToken'>,
  method: string,
  path: string,
  options: TimedCallOptions = {},
): Promise<TimedAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token.accessToken}` };
  if (options.key !== undefined) headers['idempotency-key'] = `"${options.key}"`;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.file !== undefined) {
    body = new FormData();
    body.append(
      'file',
      new Blob([new Uint8Array(options.file.bytes)], { type: 'text/plain' }),
      options.file.name,
    );
  }
  const started = Date.now();
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
    ms: Date.now() - started,
  };
}
