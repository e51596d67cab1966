import type { EmulatorContext } from '../emulator-context';
import { grantDelegated, responseScope, type ScopeRequest } from '../oauth/scopes';
import type { ClaimsRequest } from '../oauth/step-up';
import { mfaRequired, needsMfa, userRoles } from '../oauth/step-up';
import type { AppView, TenantView } from '../tenant/directory';
import {
  type ClientAuthMethod,
  clientInfo,
  type Realm,
  realmOf,
  type UserSubject,
} from '../tokens/token-factory';
import { b2cTimes } from './client-credentials.grant';
import { REFRESH_LIFETIME_SECONDS, SPA_REFRESH_LIFETIME_SECONDS } from './grant-stores';

export interface UserGrantInput {
  readonly tenant: TenantView;
  /** B2C policy of the request path, if any. */
  readonly policy?: string;
  readonly client: AppView;
  readonly clientAuth: ClientAuthMethod;
  readonly scopes: ScopeRequest;
  readonly user: UserSubject;
  readonly claims?: ClaimsRequest;
  readonly nonce?: string;
  readonly clientInfoRequested: boolean;
}

/**
 * The response of every delegated grant (code, refresh, OBO): an access token for the one resource,
 * plus `id_token` for `openid`, `refresh_token` for `offline_access`, `client_info` when asked
 * (MSAL sends `client_info=1`). Refuses with AADSTS50076 + claims when the resource needs MFA the
 * sign-in did not have.
 */
export function issueUserTokens(input: UserGrantInput, ctx: EmulatorContext): Record<string, unknown> {
  const { client, scopes, user } = input;
  const realm = realmOf(input.tenant, input.policy);
  // B2C has no Conditional Access: a second factor comes from a user flow that enforces it.
  if (
    !input.tenant.isB2c &&
    needsMfa(input.claims, scopes.resource, ctx.directory.userByOid(user.oid)) &&
    !user.amr.includes('mfa')
  ) {
    throw mfaRequired(input.claims);
  }
  const body: Record<string, unknown> = { token_type: 'Bearer', ...accessTokenPart(input, realm, ctx) };
  if (scopes.oidc.has('offline_access')) Object.assign(body, refreshToken(realm, client, user, ctx));
  if (scopes.oidc.has('openid')) {
    body['id_token'] = ctx.tokens.idToken(realm, client, user, {
      nonce: input.nonce,
      email: scopes.oidc.has('email'),
    });
  }
  if (input.clientInfoRequested) body['client_info'] = clientInfo(user.oid, realm);
  if (realm.policy !== undefined) Object.assign(body, b2cExtras(body, realm, user, ctx));
  return body;
}

function accessTokenPart(input: UserGrantInput, realm: Realm, ctx: EmulatorContext): Record<string, unknown> {
  const { scopes, user } = input;
  if (scopes.resource === undefined) return { scope: [...scopes.oidc].join(' ') };
  const granted = grantDelegated(input.client, scopes);
  const accessToken = ctx.tokens.userAccessToken({
    realm,
    client: input.client,
    clientAuth: input.clientAuth,
    resource: scopes.resource,
    user,
    scopes: granted,
    roles: userRoles(ctx.directory.userByOid(user.oid), scopes.resource),
    resourceIdentifier: scopes.resourceIdentifier,
    capabilities: input.claims?.capabilities,
  });
  return {
    scope: responseScope(scopes, granted),
    expires_in: ctx.tokens.lifetimeSeconds,
    ext_expires_in: ctx.tokens.lifetimeSeconds,
    access_token: accessToken,
  };
}

/**
 * B2C adds `not_before`, `expires_on`, `id_token_expires_in`, `profile_info` (docs/emulator.md, B2C); `profile_info.idp`
 * is `LocalAccount` for a local account, else the social identity provider.
 */
function b2cExtras(
  body: Record<string, unknown>,
  realm: Realm,
  user: UserSubject,
  ctx: EmulatorContext,
): Record<string, unknown> {
  const profile = {
    ver: '1.0',
    tid: realm.tid,
    sub: null,
    name: user.name,
    preferred_username: user.username,
    idp: user.userFlowClaims?.['idp'] ?? 'LocalAccount',
  };
  const { not_before, expires_on } = b2cTimes(ctx);
  const extras: Record<string, unknown> = {
    not_before,
    expires_on,
    profile_info: Buffer.from(JSON.stringify(profile)).toString('base64url'),
  };
  if (body['id_token'] !== undefined) extras['id_token_expires_in'] = ctx.tokens.lifetimeSeconds;
  return extras;
}

function refreshToken(
  realm: Realm,
  client: AppView,
  user: UserSubject,
  ctx: EmulatorContext,
): Record<string, unknown> {
  const lifetime = client.isSpa ? SPA_REFRESH_LIFETIME_SECONDS : REFRESH_LIFETIME_SECONDS;
  const token = ctx.refreshTokens.put({
    tid: realm.tid,
    policy: realm.policy,
    clientId: client.clientId,
    user,
    expiresAtMs: ctx.nowMs() + lifetime * 1000,
  });
  return client.isSpa
    ? { refresh_token: token, refresh_token_expires_in: lifetime }
    : { refresh_token: token };
}
