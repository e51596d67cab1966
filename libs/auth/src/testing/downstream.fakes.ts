/* A stand-in for the downstream client and a principal as the guard builds it, for apps' unit tests. */
import type { DownstreamClient } from '../downstream/downstream.client';
import type {
  DownstreamApi,
  DownstreamRequestOptions,
  DownstreamResponse,
} from '../downstream/downstream-api';
import { AuthenticatedPrincipal } from '../validation/principal';

/** One call a fake downstream received. */
export interface FakeCall {
  readonly downstream: string;
  /** `user:<oid>` for `forUser`, `app` for `forApp`. */
  readonly as: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly options: DownstreamRequestOptions;
}

/** Answers a fake call: data (status 200), or throws to simulate a mapped downstream error. */
export type FakeHandler = (call: FakeCall) => Promise<Partial<DownstreamResponse<unknown>>>;

/**
 * A stand-in for libs/auth's `DownstreamClient` in unit tests: records every call (who it was made
 * as, method, path, body) and answers from `handler`. The real client is exercised by the e2e tests.
 */
export class FakeDownstreamClient {
  readonly calls: FakeCall[] = [];

  constructor(private handler: FakeHandler = async () => ({ data: {} })) {}

  answer(handler: FakeHandler): void {
    this.handler = handler;
  }

  forUser(name: string, principal: { oid: string }): DownstreamApi {
    return this.api(name, `user:${principal.oid}`);
  }

  forApp(name: string): DownstreamApi {
    return this.api(name, 'app');
  }

  asClient(): DownstreamClient {
    return this as unknown as DownstreamClient;
  }

  private api(downstream: string, as: string): DownstreamApi {
    const call = async (
      method: string,
      path: string,
      body: unknown,
      options: DownstreamRequestOptions = {},
    ) => {
      const record = { downstream, as, method, path, body, options };
      this.calls.push(record);
      const res = await this.handler(record);
      return { status: res.status ?? 200, headers: res.headers ?? {}, data: res.data };
    };
    return {
      get: (path: string, options?: DownstreamRequestOptions) => call('GET', path, undefined, options),
      delete: (path: string, options?: DownstreamRequestOptions) => call('DELETE', path, undefined, options),
      post: (path: string, body?: unknown, options?: DownstreamRequestOptions) =>
        call('POST', path, body, options),
      put: (path: string, body?: unknown, options?: DownstreamRequestOptions) =>
        call('PUT', path, body, options),
      patch: (path: string, body?: unknown, options?: DownstreamRequestOptions) =>
        call('PATCH', path, body, options),
      stream: (method: string, path: string, body?: unknown, options?: DownstreamRequestOptions) =>
        call(method, path, body, options),
    } as unknown as DownstreamApi;
  }
}

/** A user principal as the JWT guard would build it (the raw token is a placeholder, never a JWT). */
export function userPrincipal(
  oid = 'oid-alice',
  claims: Record<string, unknown> = {},
): AuthenticatedPrincipal {
  const now = Math.floor(Date.now() / 1000);
  return new AuthenticatedPrincipal(
    {
      iss: 'https://issuer.test/v2.0',
      aud: 'api://bff',
      exp: now + 3600,
      oid,
      tid: 'tid-1',
      scp: 'access_as_user',
      ...claims,
    },
    'raw-token-placeholder',
  );
}
