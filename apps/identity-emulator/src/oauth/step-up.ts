import type { UserRegistration } from '@chain/local-tenant';

import type { AppView } from '../tenant/directory';
import { EntraError, OAuthError } from './entra-error';

/** The claims challenge for auth context c1 (CONTRACTS.md "Step-up"). */
export const AUTH_CONTEXT_C1_CHALLENGE = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

/** What a `claims` request parameter asks of the access token. */
export interface ClaimsRequest {
  /** The challenge to answer with: the `access_token.acrs` request alone, else the c1 challenge. */
  readonly challenge: string;
  /** True when it asks for an auth context (`acrs`) or an `mfa` authentication method. */
  readonly demandsMfa: boolean;
  /** Client capabilities declared with `xms_cc` (`{"access_token":{"xms_cc":{"values":["cp1"]}}}`). */
  readonly capabilities: readonly string[];
}

/**
 * Parses `claims` (JSON, not base64; docs/emulator.md, on-behalf-of). Client capabilities (`xms_cc`) reach a token only when
 * its API configured the `xms_cc` optional claim.
 */
export function parseClaimsRequest(raw: string | null | undefined): ClaimsRequest | undefined {
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new EntraError(OAuthError.InvalidRequest, 90100, "The parameter 'claims' is empty or not valid.");
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new EntraError(OAuthError.InvalidRequest, 90100, "The parameter 'claims' is empty or not valid.");
  }
  const accessToken = (parsed as Record<string, unknown>)['access_token'];
  const asks =
    accessToken !== null && typeof accessToken === 'object' ? (accessToken as Record<string, unknown>) : {};
  const challenge =
    asks['acrs'] === undefined
      ? AUTH_CONTEXT_C1_CHALLENGE
      : JSON.stringify({ access_token: { acrs: asks['acrs'] } });
  return {
    challenge,
    demandsMfa: asks['acrs'] !== undefined || JSON.stringify(asks['amr'] ?? '').includes('mfa'),
    capabilities: capabilitiesOf(asks['xms_cc']),
  };
}

function capabilitiesOf(request: unknown): string[] {
  if (request === null || typeof request !== 'object') return [];
  const values = (request as Record<string, unknown>)['values'];
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * True when a token for `resource` must come from a multi-factor sign-in: the request asks for it, the
 * resource requires it (a Conditional Access policy on the resource), or one of the user's app roles on
 * the resource does.
 */
export function needsMfa(
  claims: ClaimsRequest | undefined,
  resource: AppView | undefined,
  user: UserRegistration | undefined,
): boolean {
  if (claims?.demandsMfa === true) return true;
  if (resource === undefined) return false;
  if (resource.reg.requireMfa) return true;
  const roles = userRoles(user, resource);
  return resource.reg.appRoles.some((r) => r.requireMfa && roles.includes(r.value));
}

/** The user's app roles on the resource (what lands in `roles` of user tokens). */
export function userRoles(user: UserRegistration | undefined, resource: AppView): string[] {
  return (user?.appRoleAssignments ?? []).filter((a) => a.resource === resource.name).map((a) => a.role);
}

/** AADSTS50076: the grant needs MFA the presented sign-in did not have; the client must step up with `claims`. */
export function mfaRequired(claims: ClaimsRequest | undefined): EntraError {
  return new EntraError(
    OAuthError.InteractionRequired,
    50076,
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
    { claims: claims?.challenge ?? AUTH_CONTEXT_C1_CHALLENGE },
  );
}
