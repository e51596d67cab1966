import {
  type AccountInfo,
  type AuthenticationResult,
  InteractionRequiredAuthError,
  PublicClientApplication,
} from '@azure/msal-browser';

import type { SpaConfig } from '../../shared/spa-config';
import type { BearerToken } from '../api/bff-client';
import type { SpaTokenInfo } from '../inspector/chain-model';

/** What the SPA asked to do again once the step-up redirect comes back (carried in MSAL's `state`). */
export interface PendingAction {
  readonly kind: 'approve';
  readonly programmeId: string;
  /** Correlation id of the request that got the claims challenge, so the inspector can show it too. */
  readonly challengedCorrelationId?: string;
  /** The display claims of the token that was challenged (never the token). */
  readonly challengedToken?: SpaTokenInfo;
}

export interface SignedIn {
  readonly name: string;
  readonly username: string;
}

/**
 * MSAL Browser (auth code + PKCE, redirect flow) against the configured authority. Tokens stay inside
 * MSAL and the fetch headers; the UI only sees the account's display name and username.
 */
export class MsalAuth {
  private constructor(
    private readonly pca: PublicClientApplication,
    private readonly config: SpaConfig,
    /** The result of the redirect this page load completed, if any (used once, for the retry). */
    private redirectResult: AuthenticationResult | null,
  ) {}

  /** Initializes MSAL and completes a redirect that brought the browser back here. */
  static async start(config: SpaConfig): Promise<MsalAuth> {
    const pca = new PublicClientApplication({
      auth: {
        clientId: config.auth.clientId,
        authority: config.auth.authority,
        knownAuthorities: [...config.auth.knownAuthorities],
        redirectUri: config.auth.redirectUri ?? `${window.location.origin}/`,
        postLogoutRedirectUri: config.auth.redirectUri ?? `${window.location.origin}/`,
        // Declares that this client handles claims challenges (xms_cc = cp1; ENTRA.md §7).
        clientCapabilities: ['CP1'],
      },
      cache: { cacheLocation: 'sessionStorage' },
    });
    await pca.initialize();
    const result = await pca.handleRedirectPromise();
    const account = result?.account ?? pca.getAllAccounts()[0] ?? null;
    if (account !== null) pca.setActiveAccount(account);
    return new MsalAuth(pca, config, result);
  }

  get user(): SignedIn | null {
    const account = this.account();
    return account === null ? null : { name: account.name ?? account.username, username: account.username };
  }

  /** The action to resume after a step-up redirect, read from the returned `state`. */
  takePendingAction(): PendingAction | undefined {
    const state = this.redirectResult?.state;
    if (state === undefined || state === '') return undefined;
    try {
      const parsed = JSON.parse(state) as Partial<PendingAction>;
      if (parsed.kind !== 'approve' || typeof parsed.programmeId !== 'string') return undefined;
      const { challengedCorrelationId: id, challengedToken: token } = parsed;
      return {
        kind: 'approve',
        programmeId: parsed.programmeId,
        ...(typeof id === 'string' ? { challengedCorrelationId: id } : {}),
        ...(typeof token?.claims === 'object' && token.claims !== null ? { challengedToken: token } : {}),
      };
    } catch {
      return undefined;
    }
  }

  /** The step-up token obtained by the redirect that just completed; handed out once. */
  takeRedirectToken(): BearerToken | undefined {
    const token = this.redirectResult?.accessToken;
    this.redirectResult = null;
    return token === undefined || token === '' ? undefined : { accessToken: token, fromCache: false };
  }

  /** Leaves for the sign-in page; `prompt=login` so switching demo users always shows the form. */
  async signIn(loginHint?: string): Promise<void> {
    await this.pca.loginRedirect({ scopes: [...this.config.auth.scopes], prompt: 'login', loginHint });
  }

  async signOut(): Promise<void> {
    await this.pca.logoutRedirect({ account: this.account() });
  }

  /** A token for the BFF from MSAL's cache or refresh token; an interactive redirect when MSAL needs one. */
  async accessToken(): Promise<BearerToken> {
    const account = this.account();
    if (account === null) throw new Error('not signed in');
    try {
      const result = await this.pca.acquireTokenSilent({ scopes: [...this.config.auth.scopes], account });
      return { accessToken: result.accessToken, fromCache: result.fromCache };
    } catch (error) {
      if (!(error instanceof InteractionRequiredAuthError)) throw error;
      await this.pca.acquireTokenRedirect({ scopes: [...this.config.auth.scopes], account });
      return new Promise<never>(() => undefined); // the page is navigating away
    }
  }

  /**
   * Step-up: asks the authority for a token satisfying `claims` (e.g. auth context c1 → second factor),
   * remembering what to retry. Never retries with the cached token (ENTRA.md §7).
   */
  async stepUp(claims: string, pending: PendingAction): Promise<void> {
    await this.pca.acquireTokenRedirect({
      scopes: [...this.config.auth.scopes],
      account: this.account() ?? undefined,
      claims,
      state: JSON.stringify(pending),
    });
  }

  private account(): AccountInfo | null {
    return this.pca.getActiveAccount() ?? this.pca.getAllAccounts()[0] ?? null;
  }
}
