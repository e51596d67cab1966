import {
  type AccountInfo,
  type AuthenticationResult,
  InteractionRequiredAuthError,
  PublicClientApplication,
} from '@azure/msal-browser';

import type { SpaConfig } from '../../shared/spa-config';
import type { BearerToken } from '../api/bff-client';
import type { SpaTokenInfo } from '../inspector/chain-model';
import { userFlowOf } from './user-flow';

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
  /** The social identity provider the user signed in with (B2C `idp`, e.g. `google.com`). */
  readonly identityProvider?: string;
}

/**
 * MSAL Browser (auth code + PKCE, redirect flow) against the configured authority. Tokens stay inside
 * MSAL and the fetch headers; the UI only sees the account's display name and username.
 *
 * B2C: every user flow is its own authority (`https://<host>/<tenant>/<user flow>`), and MSAL keeps one
 * account per flow (home account id `<oid>-<user flow>.<tenant id>`). The step-up signs in through the MFA
 * user flow, whose account then becomes the active one; its tokens are renewed through that same flow.
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
        // Declares that this client handles claims challenges (xms_cc = cp1; docs/web.md, step-up). B2C sends no
        // claims challenges and knows no client capabilities: its step-up is a user flow.
        ...(config.auth.stepUpAuthority === undefined ? { clientCapabilities: ['CP1'] } : {}),
      },
      cache: { cacheLocation: 'sessionStorage' },
    });
    await pca.initialize();
    const result = await pca.handleRedirectPromise();
    const account = result?.account ?? pca.getActiveAccount() ?? pca.getAllAccounts()[0] ?? null;
    if (account !== null) pca.setActiveAccount(account);
    return new MsalAuth(pca, config, result);
  }

  get user(): SignedIn | null {
    const account = this.account();
    if (account === null) return null;
    const claims = account.idTokenClaims ?? {};
    // B2C id tokens carry `emails` instead of `preferred_username`, which MSAL's `username` reads.
    const emails: unknown = claims['emails'];
    const email = Array.isArray(emails) && typeof emails[0] === 'string' ? emails[0] : '';
    const username = account.username || email;
    const idp = claims['idp'];
    return {
      name: account.name ?? username,
      username,
      ...(typeof idp === 'string' && idp !== 'LocalAccount' ? { identityProvider: idp } : {}),
    };
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

  /** Signs out; first forgets the user's other accounts (B2C: one per user flow, e.g. the step-up's). */
  async signOut(): Promise<void> {
    const account = this.account();
    const others = this.pca
      .getAllAccounts()
      .filter(
        (a) => a.homeAccountId !== account?.homeAccountId && a.localAccountId === account?.localAccountId,
      );
    for (const other of others) await this.pca.clearCache({ account: other });
    await this.pca.logoutRedirect({ account });
  }

  /** A token for the BFF from MSAL's cache or refresh token; an interactive redirect when MSAL needs one. */
  async accessToken(): Promise<BearerToken> {
    const account = this.account();
    if (account === null) throw new Error('not signed in');
    const request = { scopes: [...this.config.auth.scopes], account, ...this.authorityOf(account) };
    try {
      const result = await this.pca.acquireTokenSilent(request);
      return { accessToken: result.accessToken, fromCache: result.fromCache };
    } catch (error) {
      if (!(error instanceof InteractionRequiredAuthError)) throw error;
      await this.pca.acquireTokenRedirect(request);
      return new Promise<never>(() => undefined); // the page is navigating away
    }
  }

  /**
   * Step-up, remembering what to retry; never retries with the cached token (docs/web.md, step-up).
   * Entra ID and External ID: asks the authority for a token satisfying `claims` (e.g. auth context c1 →
   * second factor). B2C: signs in through the user flow that enforces MFA (a B2C tenant does not take a
   * claims request); the BFF relays program-service's challenge all the same.
   */
  async stepUp(claims: string, pending: PendingAction): Promise<void> {
    const account = this.account() ?? undefined;
    const state = JSON.stringify(pending);
    const scopes = [...this.config.auth.scopes];
    const stepUpAuthority = this.config.auth.stepUpAuthority;
    if (stepUpAuthority === undefined) {
      await this.pca.acquireTokenRedirect({ scopes, account, claims, state });
      return;
    }
    const loginHint = this.user?.username || undefined;
    await this.pca.acquireTokenRedirect({ scopes, authority: stepUpAuthority, loginHint, state });
  }

  private account(): AccountInfo | null {
    return this.pca.getActiveAccount() ?? this.pca.getAllAccounts()[0] ?? null;
  }

  /**
   * B2C: `{ authority }` of the user flow `account` signed in through when that is the step-up flow (the
   * policy is the id token's `tfp`, or `acr` for older tenants), so that MSAL renews its tokens there.
   */
  private authorityOf(account: AccountInfo): { authority?: string } {
    const stepUp = this.config.auth.stepUpAuthority;
    if (stepUp === undefined) return {};
    const policy = account.idTokenClaims?.['tfp'] ?? account.idTokenClaims?.['acr'];
    const stepUpPolicy = userFlowOf(stepUp);
    const same = typeof policy === 'string' && policy.toLowerCase() === stepUpPolicy?.toLowerCase();
    return same ? { authority: stepUp } : {};
  }
}
