import type { EmulatorContext } from '../emulator-context';
import type { ClaimsRequest } from '../oauth/step-up';
import { mfaRequired, needsMfa, userRoles } from '../oauth/step-up';
import { grantDelegated, responseScope, type ScopeRequest } from '../oauth/scopes';
import type { AppView, TenantView } from '../tenant/directory';
import { type ClientAuthMethod, clientInfo, type UserSubject } from '../tokens/token-factory';
import { REFRESH_LIFETIME_SECONDS, SPA_REFRESH_LIFETIME_SECONDS } from './grant-stores';

export interface UserGrantInput {
  readonly tenant: TenantView;
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
  const { tenant, client, scopes, user } = input;
  const directoryUser = ctx.directory.userByOid(user.oid);
  if (needsMfa(input.claims, scopes.resource, directoryUser) && !user.amr.includes('mfa')) {
    throw mfaRequired(input.claims);
  }
  const body: Record<string, unknown> = { token_type: 'Bearer' };
  if (scopes.resource !== undefined) {
    const granted = grantDelegated(client, scopes);
    body['scope'] = responseScope(scopes, granted);
    body['expires_in'] = ctx.tokens.lifetimeSeconds;
    body['ext_expires_in'] = ctx.tokens.lifetimeSeconds;
    body['access_token'] = ctx.tokens.userAccessToken({
      tid: tenant.id,
      client,
      clientAuth: input.clientAuth,
      resource: scopes.resource,
      user,
      scopes: granted,
      roles: userRoles(directoryUser, scopes.resource),
    });
  } else {
    body['scope'] = [...scopes.oidc].join(' ');
  }
  if (scopes.oidc.has('offline_access')) Object.assign(body, refreshToken(tenant, client, user, ctx));
  if (scopes.oidc.has('openid')) {
    body['id_token'] = ctx.tokens.idToken(tenant.id, client, user, { nonce: input.nonce, email: scopes.oidc.has('email') });
  }
  if (input.clientInfoRequested) body['client_info'] = clientInfo(user.oid, tenant.id);
  return body;
}

function refreshToken(tenant: TenantView, client: AppView, user: UserSubject, ctx: EmulatorContext): Record<string, unknown> {
  const lifetime = client.isPublic ? SPA_REFRESH_LIFETIME_SECONDS : REFRESH_LIFETIME_SECONDS;
  const token = ctx.refreshTokens.put({
    tid: tenant.id,
    clientId: client.clientId,
    user,
    expiresAtMs: ctx.nowMs() + lifetime * 1000,
  });
  return client.isPublic ? { refresh_token: token, refresh_token_expires_in: lifetime } : { refresh_token: token };
}
