import type { ServerResponse } from 'node:http';

import type { EmulatorRequest } from '../common/http-kit';
import { redirect, sendHtml } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import type { TenantView } from '../tenant/directory';
import { decodePayload } from '../tokens/jwt';
import { signedOutPage } from './login-page';

/**
 * `GET|POST /{tenant}/oauth2/v2.0/logout`: there is no session to end (no SSO cookie), so this redirects to
 * `post_logout_redirect_uri` when it is registered for the app (named by `client_id` or the
 * `id_token_hint` audience, else any app of the tenant), or shows a signed-out page.
 */
export function handleLogout(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  const input = req.method === 'POST' ? req.form : req.query;
  const target = input.get('post_logout_redirect_uri');
  if (target === null || !registered(target, input, tenant, ctx)) return sendHtml(res, 200, signedOutPage());
  const url = new URL(target);
  const state = input.get('state');
  if (state !== null) url.searchParams.set('state', state);
  redirect(res, url.toString());
}

function registered(
  target: string,
  input: URLSearchParams,
  tenant: TenantView,
  ctx: EmulatorContext,
): boolean {
  const hint = input.get('id_token_hint');
  const aud = hint === null ? undefined : decodePayload(hint)?.['aud'];
  const clientId = input.get('client_id') ?? (typeof aud === 'string' ? aud : undefined);
  // A multi-tenant app signs out at any tenant of the file, and at /organizations or /common.
  const named = clientId === undefined ? undefined : ctx.directory.appIn(tenant, clientId);
  const apps = clientId === undefined ? tenant.apps : named === undefined ? [] : [named];
  return apps.some(
    (a) => a.reg.postLogoutRedirectUris.includes(target) || a.reg.redirectUris.includes(target),
  );
}
