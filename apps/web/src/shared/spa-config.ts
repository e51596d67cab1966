import type { IdentityMode } from '@chain/local-tenant';

export type { IdentityMode };

/**
 * The runtime configuration the web server hands the SPA at `GET /spa-config.json`.
 * Built on the server from the registrations file (local tenant) or from `WEB_*` variables (real tenant),
 * so the bundle itself carries no tenant, client id or URL.
 */
export interface SpaConfig {
  /**
   * The kind of tenant the chain runs on (docs/identity-modes.md): workforce Entra ID, Entra External ID,
   * or Azure AD B2C (whose step-up is a second user flow instead of a claims request).
   */
  readonly identityMode: IdentityMode;
  readonly auth: {
    /** The SPA's application (client) id. */
    readonly clientId: string;
    /**
     * Entra ID and External ID: `https://<host>/<tenant>` (a real External ID tenant:
     * `https://<subdomain>.ciamlogin.com/`); B2C: `https://<host>/<tenant domain>/<sign-in user flow>`.
     * MSAL Browser refuses an authority that is not https.
     */
    readonly authority: string;
    /**
     * B2C only: the authority of the user flow that enforces a second factor. A B2C tenant answers no
     * claims request, so the SPA steps up by signing in through this flow.
     */
    readonly stepUpAuthority?: string;
    /** `host[:port]` entries MSAL trusts without instance discovery (the emulator, B2C hosts). */
    readonly knownAuthorities: readonly string[];
    /** Fixed redirect URI; absent = the page's own origin + `/`. */
    readonly redirectUri?: string;
    /** Scopes asked for the BFF, e.g. `api://bff/access_as_user`. */
    readonly scopes: readonly string[];
  };
  /** Base URL of the BFF as the browser reaches it. */
  readonly bffUrl: string;
  /** Display name of the tenant, when known. */
  readonly tenantName?: string;
  /** Client id → application name, to label `azp` in the inspector. */
  readonly applications: Readonly<Record<string, string>>;
  /** Demo users of the local tenant (no passwords), offered as sign-in shortcuts; empty for a real tenant. */
  readonly demoUsers: readonly DemoUser[];
  /** Origin of the local token service, named in the certificate-trust hint; absent for a real tenant. */
  readonly emulatorUrl?: string;
}

export interface DemoUser {
  readonly username: string;
  /** Object id, so that the SPA can show a name where the chain answers with an oid (owner, approver). */
  readonly oid?: string;
  readonly displayName: string;
  readonly role: string;
  /** B2C: the social identity provider the user signs in with (`google.com`); absent = a local account. */
  readonly identityProvider?: string;
}
