/** Messages between the e2e tests and the MSAL worker process. */
export interface MsalAppConfig {
  readonly clientId: string;
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly clientSecret?: string;
  readonly certificate?: {
    readonly thumbprintSha256: string;
    readonly privateKey: string;
    readonly x5c?: string;
  };
}

export type MsalCall =
  | { readonly kind: 'cc'; readonly scopes: string[]; readonly claims?: string; readonly skipCache?: boolean }
  | {
      readonly kind: 'obo';
      readonly oboAssertion: string;
      readonly scopes: string[];
      readonly claims?: string;
    };

export interface WorkerRequest {
  readonly id: number;
  readonly app: MsalAppConfig;
  readonly call: MsalCall;
}

export interface MsalResult {
  readonly accessToken: string;
  readonly fromCache: boolean;
  readonly scopes: string[];
  readonly idToken?: string;
}

export interface MsalFailure {
  readonly className: string;
  readonly errorCode: string;
  readonly subError?: string;
  readonly errorNo?: number;
  readonly claims?: string;
  readonly message: string;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: MsalResult }
  | { readonly id: number; readonly ok: false; readonly error: MsalFailure };
