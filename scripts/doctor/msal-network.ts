import * as http from 'node:http';
import * as https from 'node:https';

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

import type { Trust } from './https-probe';

const TIMEOUT_MS = 10_000;

/**
 * MSAL's `system.networkClient` trusting exactly what one app trusts (its NODE_EXTRA_CA_CERTS), so that
 * doctor acquires each app's token over the same TLS trust the app has, from one process.
 */
export class TrustedNetworkClient implements INetworkModule {
  constructor(private readonly trust: Trust) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === 'http:' ? http : https;
      const req = transport.request(
        target,
        { method, headers: options?.headers, ca: [...this.trust.ca], timeout: TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => resolve(responseOf<T>(res, Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`no answer from ${target.host} within ${TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(method === 'POST' ? (options?.body ?? '') : undefined);
    });
  }
}

function responseOf<T>(res: http.IncomingMessage, text: string): NetworkResponse<T> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = {
      error: 'non_json_response',
      error_description: `HTTP ${res.statusCode ?? 0} with a non-JSON body`,
    };
  }
  return { status: res.statusCode ?? 0, headers, body: body as T };
}
