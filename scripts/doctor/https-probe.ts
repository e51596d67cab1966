import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';

/** The certificates an app trusts: Node's bundled roots plus the file in its NODE_EXTRA_CA_CERTS. */
export interface Trust {
  readonly ca: readonly string[];
  /** The NODE_EXTRA_CA_CERTS file, when the app has one. */
  readonly caFile?: string;
  /** Why the file could not be used (missing, unreadable, not PEM). */
  readonly problem?: string;
}

/** What a GET brought back: an answer (any status), or why there was none. */
export type Fetched =
  | {
      readonly ok: true;
      readonly status: number;
      readonly headers: http.IncomingHttpHeaders;
      readonly body: string;
      /** When the answer arrived (local clock, epoch ms): with its `Date` header, the clock skew. */
      readonly receivedAtMs: number;
    }
  | { readonly ok: false; readonly error: string; readonly tlsCode?: string };

const TIMEOUT_MS = 5_000;
const MAX_BODY = 1_048_576;
const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

/** The trust of an app whose NODE_EXTRA_CA_CERTS is `caFile` (as Node reads it at start: roots + that file). */
export function trustOf(caFile: string | undefined): Trust {
  if (caFile === undefined || caFile.trim() === '') return { ca: rootCertificates };
  try {
    const pem = readFileSync(caFile, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      return { ca: rootCertificates, caFile, problem: `${caFile} holds no PEM certificate` };
    return { ca: [...rootCertificates, pem], caFile };
  } catch (error) {
    return {
      ca: rootCertificates,
      caFile,
      problem: `cannot read ${caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
}

/**
 * GET `url` trusting exactly `trust.ca` (never the doctor's own NODE_EXTRA_CA_CERTS, never without
 * verification). TLS failures keep Node's code (`SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`…).
 */
export function httpGet(url: string, trust: Trust, timeoutMs = TIMEOUT_MS): Promise<Fetched> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, error: `${url} is not a URL` });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.get(
      target,
      { ca: [...trust.ca], timeout: timeoutMs, headers: { accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            ok: true,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            receivedAtMs: Date.now(),
          }),
        );
        res.on('error', (error) => resolve(failure(error)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve(failure(error)));
  });
}

function failure(error: Error): Fetched {
  const code = (error as NodeJS.ErrnoException).code;
  const tls = code !== undefined && TLS_CODES.test(code);
  return {
    ok: false,
    error: code ? `${code}: ${error.message}` : error.message,
    ...(tls ? { tlsCode: code } : {}),
  };
}

/** The body as JSON, or undefined. */
export function jsonOf(fetched: Fetched): Record<string, unknown> | undefined {
  if (!fetched.ok) return undefined;
  try {
    const value: unknown = JSON.parse(fetched.body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
