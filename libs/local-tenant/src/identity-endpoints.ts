import { type PolicyRegistration, TenantKind, type TenantRegistration } from './registrations.schema';

/**
 * Where a tenant of each kind is reached and what its tokens say, on the local emulator. One place, so
 * that the APIs' configuration (`localAppEnv`), the SPA's configuration and the test harness agree.
 * The shapes follow Microsoft's documentation (docs/identity-modes.md):
 * - Entra ID: authority `/<tenant>`, issuer `<host>/<tid>/v2.0`.
 * - External ID: authority `/<tenant>` on the ciamlogin host, issuer `https://<tid>.ciamlogin.com/<tid>/v2.0`
 *   (the issuer host differs from the authority's: MSAL accepts that only for a host in `knownAuthorities`).
 * - B2C: authority `/<domain>/<user flow>`, issuer `<host>/<tid>/v2.0/` (trailing slash), keys per user flow.
 */
export interface IdentityEndpoints {
  readonly kind: TenantKind;
  /** Authority of the confidential clients (the APIs reach the emulator by `internalUrl`). */
  readonly authority: string;
  /** Authority of the SPA (the browser reaches the emulator by `publicUrl`). */
  readonly spaAuthority: string;
  /** B2C: authority of the user flow that enforces a second factor (the step-up). */
  readonly stepUpAuthority?: string;
  /** The `iss` of every token of the tenant. */
  readonly issuer: string;
  /** Signing keys as the APIs fetch them. */
  readonly jwksUri: string;
  /**
   * `host[:port]` entries the confidential clients' MSAL trusts without Microsoft's instance discovery (and
   * as issuer hosts: MSAL validates the discovery document's issuer against the authority's host or these).
   */
  readonly knownAuthorities: readonly string[];
  /** The same for the SPA, which reaches the emulator by its public URL. */
  readonly spaKnownAuthorities: readonly string[];
  /** B2C: the sign-in user flow (`tfp` of ordinary tokens). */
  readonly signInPolicy?: string;
  /** B2C: the user flows whose tokens prove a second factor. */
  readonly mfaPolicies: readonly string[];
}

/** The emulator as clients (`publicUrl`, the issuer host) and as the APIs (`internalUrl`) reach it. */
export interface EmulatorUrls {
  readonly publicUrl: string;
  readonly internalUrl?: string;
}

/** The local endpoints of `tenant` (see {@link IdentityEndpoints}). */
export function identityEndpoints(tenant: TenantRegistration, urls: EmulatorUrls): IdentityEndpoints {
  const publicUrl = new URL(urls.publicUrl);
  const internalUrl = new URL(urls.internalUrl ?? urls.publicUrl);
  const known = { knownAuthorities: [internalUrl.host], spaKnownAuthorities: [publicUrl.host] };
  switch (tenant.kind) {
    case TenantKind.Entra:
      return {
        kind: tenant.kind,
        authority: `${internalUrl.origin}/${tenant.id}`,
        spaAuthority: `${publicUrl.origin}/${tenant.id}`,
        issuer: `${publicUrl.origin}/${tenant.id}/v2.0`,
        jwksUri: `${internalUrl.origin}/${tenant.id}/discovery/v2.0/keys`,
        ...known,
        mfaPolicies: [],
      };
    case TenantKind.ExternalId: {
      const issuerHost = externalIdIssuerHost(tenant);
      return {
        kind: tenant.kind,
        authority: `${internalUrl.origin}/${tenant.id}`,
        spaAuthority: `${publicUrl.origin}/${tenant.id}`,
        issuer: `https://${issuerHost}/${tenant.id}/v2.0`,
        jwksUri: `${internalUrl.origin}/${tenant.id}/discovery/v2.0/keys`,
        knownAuthorities: [...known.knownAuthorities, issuerHost],
        spaKnownAuthorities: [...known.spaKnownAuthorities, issuerHost],
        mfaPolicies: [],
      };
    }
    case TenantKind.B2c: {
      const signIn = signInPolicyOf(tenant);
      const stepUp = tenant.policies.find((p) => p.mfa);
      const path = (policy: PolicyRegistration): string => `${tenant.domain}/${policy.name}`;
      return {
        kind: tenant.kind,
        authority: `${internalUrl.origin}/${path(signIn)}`,
        spaAuthority: `${publicUrl.origin}/${path(signIn)}`,
        ...(stepUp === undefined ? {} : { stepUpAuthority: `${publicUrl.origin}/${path(stepUp)}` }),
        issuer: `${publicUrl.origin}/${tenant.id}/v2.0/`,
        jwksUri: `${internalUrl.origin}/${path(signIn)}/discovery/v2.0/keys`,
        ...known,
        signInPolicy: signIn.name,
        mfaPolicies: tenant.policies.filter((p) => p.mfa).map((p) => p.name),
      };
    }
  }
}

/** External ID's issuer host: `<tenant id>.ciamlogin.com` (Microsoft: "Validate the issuer", external tenants). */
export function externalIdIssuerHost(tenant: Pick<TenantRegistration, 'id'>): string {
  return `${tenant.id.toLowerCase()}.ciamlogin.com`;
}

/** The B2C user flow ordinary sign-ins use: the one marked `default`, else the first without `mfa`. */
export function signInPolicyOf(tenant: TenantRegistration): PolicyRegistration {
  const policy = tenant.policies.find((p) => p.default) ?? tenant.policies.find((p) => !p.mfa);
  if (policy === undefined)
    throw new Error(`registrations: b2c tenant ${tenant.name} declares no sign-in user flow`);
  return policy;
}
