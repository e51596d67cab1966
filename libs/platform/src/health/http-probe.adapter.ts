import { TransportFailure } from '@chain/auth';
import { Injectable } from '@nestjs/common';

/** The outcome of one probe request. */
export type ProbeResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | {
      readonly ok: false;
      readonly reason: 'timeout' | 'unreachable';
      /** The Node.js code of the failure, e.g. `SELF_SIGNED_CERT_IN_CHAIN` or `ENOTFOUND`, when known. */
      readonly cause?: string;
    };

/**
 * The platform's one outbound HTTP call: a GET with a hard timeout, for readiness probes.
 * TLS is verified as usual (a local CA is trusted through NODE_EXTRA_CA_CERTS, never by disabling checks).
 */
@Injectable()
export class HttpProbe {
  async getJson(url: string, timeoutMs: number): Promise<ProbeResult> {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      const body: unknown = await response.json().catch(() => undefined);
      return { ok: true, status: response.status, body };
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      if (timedOut) return { ok: false, reason: 'timeout' };
      // fetch wraps the socket's error (TLS, DNS, connection) in `cause`.
      const cause = TransportFailure.codeOf(error);
      return { ok: false, reason: 'unreachable', ...(cause === undefined ? {} : { cause }) };
    }
  }
}
