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
