import type { ApplicationRegistration } from '@chain/local-tenant';

import type { UserSubject } from './token-factory';

/** The optional claims an application configured for one token type (its manifest's `optionalClaims`). */
export type OptionalClaimsConfig = ApplicationRegistration['optionalClaims']['accessToken'];

/** What the optional claims of one token are drawn from. */
export interface OptionalClaimsInput {
  /** A user token (delegated, or an id token) or an app-only token. */
  readonly subject: 'user' | 'app';
  readonly user?: UserSubject;
  /** Client capabilities the client asked for with `claims` (`{"access_token":{"xms_cc":{"values":[…]}}}`). */
  readonly capabilities?: readonly string[];
}

/**
 * The configured optional claims that apply to a token (Microsoft Learn, "Optional claims reference"):
 * `idtyp` is `app` on app-only tokens and `user` only with `include_user_token`; `xms_cc` only when the
 * client asked for capabilities; `acct` 0 (the emulator's users are members of their tenant); `ctry` when
 * the user has a `country`; `upn` and `email` from the username. `aud` (`use_guid`) changes the v1 audience
 * and is not a claim of its own.
 */
export function optionalClaimValues(
  config: OptionalClaimsConfig,
  input: OptionalClaimsInput,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const { user } = input;
  for (const { name, additionalProperties } of config) {
    if (name === 'idtyp') {
      if (input.subject === 'app' || additionalProperties.includes('include_user_token'))
        claims['idtyp'] = input.subject;
    } else if (name === 'xms_cc') {
      if (input.capabilities !== undefined && input.capabilities.length > 0)
        claims['xms_cc'] = input.capabilities.map((c) => c.toLowerCase());
    } else if (user !== undefined && input.subject === 'user') {
      Object.assign(claims, userClaim(name, user));
    }
  }
  return claims;
}

function userClaim(name: string, user: UserSubject): Record<string, unknown> {
  switch (name) {
    case 'acct':
      return { acct: 0 };
    case 'ctry':
      return user.country === undefined ? {} : { ctry: user.country };
    case 'upn':
      return { upn: user.username };
    case 'email':
      return user.username.includes('@') ? { email: user.username } : {};
    default:
      return {};
  }
}

/** v1 tokens carry the identifier the client asked with, or the client id with `aud` + `use_guid`. */
export function usesGuidAudience(config: OptionalClaimsConfig): boolean {
  return config.some((c) => c.name === 'aud' && c.additionalProperties.includes('use_guid'));
}
