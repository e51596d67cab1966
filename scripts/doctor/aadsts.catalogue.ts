/**
 * The Entra ID / Azure AD B2C errors this chain can meet, explained in its own terms: which hop, which
 * variable, which registration. Sources: Microsoft's error-code reference
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes) and the on-behalf-of and
 * client-credentials flow pages; docs/doctor.md lists them too.
 */
export interface ErrorExplanation {
  /** `AADSTS65001`, `AADB2C90086`. */
  readonly code: string;
  /** Microsoft's name for it. */
  readonly title: string;
  /** When the chain meets it, and why. */
  readonly cause: string;
  /** What to change. */
  readonly fix: string;
  /** What doctor checks that finds it before run time. */
  readonly doctorCheck?: string;
}

const ENTRIES: readonly ErrorExplanation[] = [
  {
    code: 'AADSTS50013',
    title: 'InvalidAssertion',
    cause:
      'The token a middle tier exchanges on-behalf-of (the BFF the SPA user token; documents-service the token the BFF sent it) was refused: its signature does not verify with the tenant keys, it expired, or it was issued by another tenant or authority than the one the middle tier asks (AUTH_AUTHORITY). Typical here: the SPA signed in against another tenant or emulator than the BFF uses, the emulator data dir (its keys) was reset after sign-in, or the clocks disagree.',
    fix: "Make the SPA's authority and the middle tier's AUTH_AUTHORITY the same tenant, sign in again after an identity-provider restart with new keys, and check the clocks (doctor's clock check).",
    doctorCheck: 'discovery, issuer, clock',
  },
  {
    code: 'AADSTS65001',
    title: 'DelegationDoesNotExist (consent_required)',
    cause:
      "The middle tier holds no consent for a delegated permission it asks for on-behalf-of: the BFF for program-service's Program.ReadWrite or documents-service's Documents.ReadWrite, or — the second hop — documents-service for program-service's Program.Read. The user never sees a consent prompt there, so the broker answers 403 consent_required.",
    fix: 'Grant admin consent to the middle tier for that permission (portal: the app → API permissions → Grant admin consent; registrations: requiredResourceAccess with consented: true), for the second hop as well; or list the caller in knownClientApplications of the middle tier so one consent covers both.',
    doctorCheck: 'consent',
  },
  {
    code: 'AADSTS500011',
    title: 'Resource principal not found',
    cause:
      'The resource part of a requested scope (the App ID URI before /Program.Read or /.default) names no application in the tenant: a typo in DOWNSTREAM_APIS__<NAME>__SCOPES, an API whose Application ID URI was never set, or an API not provisioned in this tenant (no service principal).',
    fix: "Set the scope to the API's App ID URI (identifierUris) followed by the scope, e.g. api://program-service/Program.ReadWrite; set the App ID URI on the API (Expose an API); create the API's service principal in the tenant.",
    doctorCheck: 'scope',
  },
  {
    code: 'AADSTS70011',
    title: 'InvalidScope',
    cause:
      'A requested scope is malformed or not exposed by the API: on-behalf-of asking for a scope program-service or documents-service does not expose (Program.Delete), scopes of two resources in one request, or /.default mixed with named scopes.',
    fix: 'Expose the scope on the API (portal: Expose an API → Add a scope; registrations: scopes) or correct DOWNSTREAM_APIS__<NAME>__SCOPES to scopes the API exposes, of one resource.',
    doctorCheck: 'scope',
  },
  {
    code: 'AADSTS500131',
    title: 'Assertion audience does not match the client',
    cause:
      'The token passed as assertion on-behalf-of was issued for another application than the middle tier exchanging it: the SPA sent the BFF a token for program-service or Graph instead of api://bff/access_as_user, or a middle tier forwarded a token it received for someone else. A middle tier exchanges only tokens whose aud is its own client id.',
    fix: "Have the SPA request the BFF's scope (api://bff/access_as_user) for calls to the BFF; keep AUTH_AUDIENCES of each middle tier to its own client id and App ID URI; never forward an incoming token downstream (the broker never does).",
    doctorCheck: 'audience',
  },
  {
    code: 'AADSTS7000215',
    title: 'Invalid client secret',
    cause:
      "AUTH_CLIENT_SECRET of a caller (the BFF, documents-service) is not a valid secret of its registration: the secret's ID was copied instead of its value, the secret was rotated or deleted, or it belongs to another app. The broker logs a line naming AUTH_CLIENT_ID and the authority.",
    fix: "Create a new secret and copy its Value (shown once) into AUTH_CLIENT_SECRET, or use a certificate (AUTH_CLIENT_CERTIFICATE_PATH + AUTH_CLIENT_CERTIFICATE_KEY_PATH); locally, the secret is in the registrations file's secrets of the app.",
    doctorCheck: 'client-credentials',
  },
  {
    code: 'AADSTS700016',
    title: 'Application not found in the directory',
    cause:
      "AUTH_CLIENT_ID names no application in the tenant of AUTH_AUTHORITY: the tenant id in the authority is another tenant's, the client id has a typo, or a multi-tenant app was never consented in this tenant.",
    fix: "Use the Application (client) ID of the app's registration in AUTH_CLIENT_ID and that tenant's id in AUTH_AUTHORITY (https://login.microsoftonline.com/<tenant id>).",
    doctorCheck: 'client-credentials',
  },
  {
    code: 'AADSTS50076',
    title: 'Multi-factor authentication required (interaction_required)',
    cause:
      "Conditional Access on a downstream (program-service's approvals need a multi-factor sign-in) refuses the on-behalf-of exchange until the user proves a second factor. Not a configuration fault: the broker relays it to the SPA as 401 insufficient_claims with the claims challenge, and the SPA signs in again with those claims (step-up), then retries.",
    fix: "Nothing to configure when the SPA handles claims challenges (it declares the cp1 client capability and answers WWW-Authenticate claims). If users loop, check that the SPA passes the challenge's claims to MSAL and that the user can do MFA.",
  },
  {
    code: 'AADSTS1002012',
    title: 'Client credentials need /.default',
    cause:
      "The BFF's client-credentials request for pricing-service (DOWNSTREAM_APIS__PRICING__SCOPES), or a verified-delegation caller's app token in b2c mode, asked for a named scope (api://pricing-service/Pricing.Read.All) instead of <App ID URI>/.default. App tokens carry the application permissions granted to the caller; the scope only names the resource.",
    fix: 'DOWNSTREAM_APIS__<NAME>__SCOPES=<App ID URI>/.default (e.g. api://pricing-service/.default) for every client-credentials and verified-delegation downstream; grant the role as an application permission with admin consent.',
    doctorCheck: 'default-scope',
  },
  {
    code: 'AADB2C90086',
    title: 'The supplied grant_type is not supported (B2C)',
    cause:
      'Azure AD B2C has no on-behalf-of: a downstream declared on-behalf-of in b2c mode makes the broker send the jwt-bearer grant, which B2C refuses.',
    fix: "In b2c mode declare it DOWNSTREAM_APIS__<NAME>__FLOW=verified-delegation with SCOPES=<App ID URI>/.default and DELEGATED_SCOPES=<scope names>, give the caller a delegation key (AUTH_DELEGATION_SIGNING_KEY) and list it in the downstream's AUTH_DELEGATION_CALLERS (docs/identity-modes.md); npm start -- --identity b2c derives all of it.",
    doctorCheck: 'scope, allow-list',
  },
];

/** `65001`, `aadsts65001`, `AADSTS65001` → `AADSTS65001`; `aadb2c90086` → `AADB2C90086`. */
export function normaliseCode(input: string): string {
  const value = input.trim().toUpperCase();
  if (/^\d+$/.test(value)) return `AADSTS${value}`;
  return value;
}

/** The explanation of `code`, if the chain knows it. */
export function explain(code: string): ErrorExplanation | undefined {
  const wanted = normaliseCode(code);
  return ENTRIES.find((e) => e.code === wanted);
}

/** Every code doctor can explain. */
export function knownCodes(): string[] {
  return ENTRIES.map((e) => e.code);
}

/** The code in an MSAL / token-endpoint error message (`AADSTS70011: …`, `Error(s): 1002012 - …`). */
export function codeInMessage(message: string): string | undefined {
  const named = /\b(AADSTS\d+|AADB2C\d+)\b/.exec(message)?.[1];
  if (named !== undefined) return named;
  const listed = /Error\(s\):\s*(\d+)/.exec(message)?.[1];
  return listed === undefined ? undefined : `AADSTS${listed}`;
}
