import { accessTokenClaims } from '../auth/token-claims';
import type { SpaTokenInfo } from '../inspector/chain-model';
import { claimsFromChallenge, claimsJson } from './claims-challenge';

/** An `application/problem+json` answer of the chain (docs/bff.md "Errors the SPA sees"). */
export class BffProblem extends Error {
  override readonly name = 'BffProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly correlationId: string,
    /** The problem's other members (e.g. `maxBytes` of a 413), and `Retry-After` in seconds when sent. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** A 401 `insufficient_claims`: the caller must get a token carrying `claims` and retry (docs/entra-protocol.md#claims-challenges-and-step-up). */
export class ClaimsChallenge extends BffProblem {
  constructor(
    problem: BffProblem,
    readonly claims: string,
  ) {
    super(problem.status, problem.code, problem.detail, problem.correlationId, problem.extensions);
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
  readonly accessToken?: BearerToken;
  /** `Idempotency-Key` of a write: one per user action, the same again when the user retries it. */
  readonly idempotencyKey?: string;
}

/** A bearer token for the BFF and whether MSAL served it from its cache; never logged, never rendered. */
export interface BearerToken {
  readonly accessToken: string;
  readonly fromCache: boolean;
}

export type TokenProvider = () => Promise<BearerToken>;

/** What the inspector learns about a request before it is sent: its correlation id and token claims. */
export interface SentRequest {
  readonly correlationId: string;
  readonly method: string;
  readonly path: string;
  readonly token?: SpaTokenInfo;
}

/** Called once per request, so the inspector can find its trace in `/api/chain`. */
export type RequestObserver = (request: SentRequest) => void;

/**
 * The SPA's only door to the chain: `fetch` with the MSAL token and an `x-correlation-id` the BFF echoes
 * into `/api/chain`. Errors become {@link BffProblem}; a step-up challenge becomes {@link ClaimsChallenge}.
 */
export class BffClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenProvider,
  ) {}

  async request<T>(
    method: string,
    path: string,
    req: BffRequest = {},
    observe?: RequestObserver,
  ): Promise<BffResponse<T>> {
    const correlationId = `web-${crypto.randomUUID()}`;
    const bearer = req.accessToken ?? (await this.token());
    const claims = accessTokenClaims(bearer.accessToken);
    observe?.({
      correlationId,
      method,
      path,
      ...(claims === undefined ? {} : { token: { claims, fromCache: bearer.fromCache } }),
    });
    const headers = new Headers({ authorization: `Bearer ${bearer.accessToken}` });
    headers.set('x-correlation-id', correlationId);
    if (req.idempotencyKey !== undefined) headers.set('idempotency-key', req.idempotencyKey);
    let body: BodyInit | undefined;
    if (req.form !== undefined) body = req.form;
    else if (req.body !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(req.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, mode: 'cors' });
    if (!res.ok) throw await problemOf(res, correlationId);
    const data = (
      res.status === 204 ? undefined : req.as === 'blob' ? await res.blob() : await res.json()
    ) as T;
    return { status: res.status, data, correlationId };
  }
}

async function problemOf(res: Response, correlationId: string): Promise<BffProblem> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
  const problem = new BffProblem(
    res.status,
    str(body['code'], `http_${res.status}`),
    str(body['detail'], res.statusText),
    correlationId,
    body,
    Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  );
  if (res.status !== 401) return problem;
  // The header is readable only if the BFF lists it in Access-Control-Expose-Headers; the problem body's
  // `claims` member (when present) carries the same base64 value.
  const claims =
    claimsFromChallenge(res.headers.get('www-authenticate')) ??
    (typeof body['claims'] === 'string' ? claimsJson(body['claims']) : undefined);
  return claims === undefined ? problem : new ClaimsChallenge(problem, claims);
}
