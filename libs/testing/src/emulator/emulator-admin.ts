import { harnessRequest, type HarnessResponse } from '../http/http-request';

/** `GET /_admin/token-requests`: counts by `<grant>|<client_id>|<resource>`. */
export interface TokenRequestCounts {
  readonly total: number;
  readonly byKey: Readonly<Record<string, number>>;
}

/** `POST /_admin/faults`: what the token endpoint does to matching requests (CONTRACTS.md "Identity emulator"). */
export interface EmulatorFault {
  readonly match?: { readonly grant?: string; readonly clientId?: string };
  readonly latencyMs?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly drop?: true;
  /** How many requests the fault applies to; default: until cleared. */
  readonly count?: number;
}

/** `POST /_admin/keys/rotate`. */
export interface KeyRotation {
  readonly action: 'add' | 'activate' | 'retire';
  readonly kid?: string;
}

/**
 * Client of the emulator's test-only admin API (enabled by `EMULATOR_TEST_ENDPOINTS=true`, loopback only),
 * over HTTPS with the emulator's CA trusted explicitly.
 */
export class EmulatorAdmin {
  constructor(
    private readonly baseUrl: string,
    private readonly caPem: string,
  ) {}

  async tokenRequests(): Promise<TokenRequestCounts> {
    return (await this.call('GET', '/_admin/token-requests')).json<TokenRequestCounts>();
  }

  async resetTokenRequests(): Promise<void> {
    await this.call('POST', '/_admin/token-requests/reset');
  }

  /** Adds, activates or retires a signing key; resolves with the emulator's answer (e.g. the new `kid`). */
  async rotateKeys(rotation: KeyRotation): Promise<Record<string, unknown>> {
    return parseOptionalJson(await this.call('POST', '/_admin/keys/rotate', rotation));
  }

  async injectFault(fault: EmulatorFault): Promise<void> {
    await this.call('POST', '/_admin/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_admin/faults');
  }

  private async call(method: string, path: string, body?: unknown): Promise<HarnessResponse> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    const res = await harnessRequest(`${this.baseUrl}${path}`, {
      method,
      ca: this.caPem,
      ...(json === undefined ? {} : { body: json, headers: { 'content-type': 'application/json' } }),
    });
    if (res.status >= 300)
      throw new Error(`emulator admin ${method} ${path} answered ${res.status}: ${res.text().slice(0, 300)}`);
    return res;
  }
}

function parseOptionalJson(res: HarnessResponse): Record<string, unknown> {
  return res.body.length === 0 ? {} : res.json<Record<string, unknown>>();
}
