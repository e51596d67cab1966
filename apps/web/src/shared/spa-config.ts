/**
 * The runtime configuration the web server hands the SPA at `GET /spa-config.json`.
 * Built on the server from the registrations file (local tenant) or from `WEB_*` variables (real tenant),
 * so the bundle itself carries no tenant, client id or URL.
 */
export interface SpaConfig {
  readonly auth: {
    /** The SPA's application (client) id. */
    readonly clientId: string;
    /** `https://<host>/<tenant id>`; MSAL requires https (ENTRA.md §10). */
    readonly authority: string;
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
  readonly displayName: string;
  readonly role: string;
}
