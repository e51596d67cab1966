import { claimsFromChallenge, claimsJson } from './claims-challenge';

/** An `application/problem+json` answer of the chain (DESIGN.md error contract). */
export class BffProblem extends Error {
  override readonly name = 'BffProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly correlationId: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** A 401 `insufficient_claims`: the caller must get a token carrying `claims` and retry (ENTRA.md §7). */
export class ClaimsChallenge extends BffProblem {
  constructor(
    problem: BffProblem,
    readonly claims: string,
  ) {
    super(problem.status, problem.code, problem.detail, problem.correlationId);
  }
}

export interface BffResponse<T> {
  readonly status: number;
  readonly data: T;
  readonly correlationId: string;
}

export interface BffRequest {
  readonly body?: unknown;
  readonly form?: FormData;
  readonly as?: 'json' | 'blob';
  /** A token to use instead of asking MSAL (the one just obtained by a step-up). */
  readonly accessToken?: string;
}

/** Gives a bearer token for the BFF; never logged, never rendered. */
export type TokenProvider = () => Promise<string>;

/** Called once per request with the correlation id it carries, so the inspector can find its trace. */
export type RequestObserver = (correlationId: string, method: string, path: string) => void;

/**
 * The SPA's only door to the chain: `fetch` with the MSAL token and an `x-correlation-id` the BFF echoes
 * into `/api/chain`. Errors become {@link BffProblem}; a step-up challenge becomes {@link ClaimsChallenge}.
 */
export class BffClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenProvider,
  ) {}

  async request<T>(method: string, path: string, req: BffRequest = {}, observe?: RequestObserver): Promise<BffResponse<T>> {
    const correlationId = `web-${crypto.randomUUID()}`;
    observe?.(correlationId, method, path);
    const headers = new Headers({ authorization: `Bearer ${req.accessToken ?? (await this.token())}` });
    headers.set('x-correlation-id', correlationId);
    let body: BodyInit | undefined;
    if (req.form !== undefined) body = req.form;
    else if (req.body !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(req.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, mode: 'cors' });
    if (!res.ok) throw await problemOf(res, correlationId);
    const data = (res.status === 204 ? undefined : req.as === 'blob' ? await res.blob() : await res.json()) as T;
    return { status: res.status, data, correlationId };
  }
}

async function problemOf(res: Response, correlationId: string): Promise<BffProblem> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  const problem = new BffProblem(
    res.status,
    str(body['code'], `http_${res.status}`),
    str(body['detail'], res.statusText),
    correlationId,
  );
  if (res.status !== 401) return problem;
  // The header is readable only if the BFF lists it in Access-Control-Expose-Headers; the problem body's
  // `claims` member (when present) carries the same base64 value.
  const claims =
    claimsFromChallenge(res.headers.get('www-authenticate')) ??
    (typeof body['claims'] === 'string' ? claimsJson(body['claims']) : undefined);
  return claims === undefined ? problem : new ClaimsChallenge(problem, claims);
}
