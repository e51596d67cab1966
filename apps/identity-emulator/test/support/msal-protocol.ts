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
  /** MSAL's `cloudDiscoveryMetadata`: instance discovery given as configuration (JSON text). */
  readonly cloudDiscoveryMetadata?: string;
  /** MSAL's `clientCapabilities` (sent as `xms_cc` in `claims`). */
  readonly clientCapabilities?: string[];
  /** A public client ("mobile and desktop"): a PublicClientApplication instead of a confidential one. */
  readonly publicClient?: boolean;
}

/** A user the worker signs in through the emulator's pages itself (it plays the browser). */
export interface WorkerUser {
  readonly username: string;
  readonly password: string;
  readonly otp?: string;
}

export type MsalCall =
  | { readonly kind: 'cc'; readonly scopes: string[]; readonly claims?: string; readonly skipCache?: boolean }
  | {
      readonly kind: 'obo';
      readonly oboAssertion: string;
      readonly scopes: string[];
      readonly claims?: string;
    }
  /** PublicClientApplication.acquireTokenByDeviceCode; the worker enters the user code at /devicelogin. */
  | { readonly kind: 'device-code'; readonly scopes: string[]; readonly user: WorkerUser }
  /** PublicClientApplication.acquireTokenInteractive; the worker's "browser" ends at MSAL's loopback server. */
  | { readonly kind: 'interactive'; readonly scopes: string[]; readonly user: WorkerUser };

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
  /** Device code: the `message` MSAL handed the app; interactive: the redirect URI MSAL listened on. */
  readonly detail?: string;
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
