import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { checkRedemptionOrigin } from '../oauth/redemption-origin';
import { parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import type { TenantView } from '../tenant/directory';
import { grantTenant } from './grant-stores';
import { issueUserTokens } from './user-token-response';

/**
 * `grant_type=refresh_token`: a refresh token is bound to the client and the sign-in (its factors), and,
 * as in Entra, may be redeemed for any resource the client is consented to. A new refresh token is issued;
 * the old one stays valid until it expires.
 */
export function refreshTokenGrant(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  const client = authenticateClient(req, tenant, ctx);
  checkRedemptionOrigin(req, client.app, tenant);
  const record = ctx.refreshTokens.get(req.form.get('refresh_token') ?? '');
  if (record === undefined)
    throw new EntraError(
      OAuthError.InvalidGrant,
      9002313,
      'Invalid request. Request is malformed or invalid.',
    );
  if (record === 'expired') {
    throw new EntraError(OAuthError.InvalidGrant, 700082, 'The refresh token has expired due to inactivity.');
  }
  const issuedIn = grantTenant(record, tenant, ctx.directory);
  if (record.clientId !== client.app.clientId || issuedIn === undefined || record.policy !== req.policy) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      70000,
      'The provided grant is invalid or malformed: the refresh token was issued to another client.',
    );
  }
  const scopes = parseScopes(req.form.get('scope'), ctx.directory, issuedIn);
  return issueUserTokens(
    {
      tenant: issuedIn,
      policy: req.policy,
      client: client.app,
      clientAuth: client.method,
      scopes,
      user: record.user,
      claims: parseClaimsRequest(req.form.get('claims')),
      clientInfoRequested: req.form.get('client_info') === '1',
    },
    ctx,
  );
}
