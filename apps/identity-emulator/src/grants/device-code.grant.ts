import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import type { TenantView } from '../tenant/directory';
import { credentialRequired } from './client-credentials.grant';
import { issueUserTokens } from './user-token-response';

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4), polled by the device: pending
 * until the user signed in (AADSTS70016), then the user's tokens, once. Only "mobile and desktop" clients may
 * use it (Entra's "Allow public client flows"; any other app is asked for a credential, AADSTS7000218).
 */
export function deviceCodeGrant(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  const client = authenticateClient(req, tenant, ctx);
  if (client.app.reg.type !== 'public') throw credentialRequired();
  const deviceCode = req.form.get('device_code') ?? '';
  const record = ctx.deviceCodes.get(deviceCode);
  if (record === 'expired') {
    throw new EntraError(
      OAuthError.ExpiredToken,
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    );
  }
  if (record === undefined || record.clientId !== client.app.clientId || record.authority !== tenant.id) {
    // [unverified] the AADSTS number: Entra documents only the error value for an unknown device code.
    throw new EntraError(
      OAuthError.BadVerificationCode,
      70000,
      "The provided value for the input parameter 'device_code' is not valid.",
    );
  }
  if (record.approval === undefined) {
    throw new EntraError(
      OAuthError.AuthorizationPending,
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    );
  }
  ctx.deviceCodes.delete(deviceCode);
  const userTenant = ctx.directory.tenant(record.approval.tid) as TenantView;
  return issueUserTokens(
    {
      tenant: userTenant,
      client: client.app,
      clientAuth: client.method,
      scopes: parseScopes(record.scope, ctx.directory, userTenant),
      user: record.approval.user,
      claims: parseClaimsRequest(record.claims),
      clientInfoRequested: req.form.get('client_info') === '1',
    },
    ctx,
  );
}
