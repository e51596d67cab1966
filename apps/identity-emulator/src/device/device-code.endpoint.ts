import type { ServerResponse } from 'node:http';

import { TenantKind } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import { sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { appAt } from '../oauth/client-auth';
import { EntraError, OAuthError, renderEntraError } from '../oauth/entra-error';
import { parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import { tokenHeaders } from '../oauth/token.endpoint';
import { MultiTenantAuthority, type TenantView } from '../tenant/directory';
import { DEVICE_CODE_INTERVAL_SECONDS, DEVICE_CODE_LIFETIME_SECONDS } from './device-codes';

/**
 * `POST /{tenant}/oauth2/v2.0/devicecode` (Microsoft Learn, "OAuth 2.0 device authorization grant"): a device
 * code for the device, a user code for the person, and where to enter it (`/devicelogin` on this host, the
 * stand-in for https://microsoft.com/devicelogin). Entra tenants only, at a tenant or `/organizations`
 * (MSAL's device code documentation: not `/common` or `/consumers`).
 */
export function handleDeviceCode(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  if (tenant.kind !== TenantKind.Entra) return sendJson(res, 404, { error: 'not_found' });
  const headers = tokenHeaders(req);
  try {
    sendJson(res, 200, deviceAuthorization(req, tenant, ctx), headers);
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    const body = renderEntraError(error, req, ctx.nowMs());
    sendJson(res, error.status, body, { ...headers, 'x-ms-clitelem': `1,${error.code},0,,` });
  }
}

function deviceAuthorization(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  if (req.method !== 'POST') {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900561,
      'The endpoint only accepts POST requests. Received a GET request.',
    );
  }
  if (
    tenant.authority === MultiTenantAuthority.Common ||
    tenant.authority === MultiTenantAuthority.Consumers
  ) {
    // Entra's text for a grant refused at these authorities, as quoted in public reports.
    throw new EntraError(
      OAuthError.InvalidRequest,
      9001023,
      'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
    );
  }
  const clientId = required(req, 'client_id');
  const app = appAt(tenant, clientId, ctx.directory);
  const scope = required(req, 'scope');
  parseScopes(scope, ctx.directory, tenant);
  const claims = req.form.get('claims') ?? undefined;
  parseClaimsRequest(claims);
  const { deviceCode, userCode } = ctx.deviceCodes.issue({
    authority: tenant.id,
    clientId: app.clientId,
    scope,
    ...(claims === undefined ? {} : { claims }),
  });
  const verificationUri = `${req.baseUrl}/devicelogin`;
  return {
    user_code: userCode,
    device_code: deviceCode,
    verification_uri: verificationUri,
    expires_in: DEVICE_CODE_LIFETIME_SECONDS,
    interval: DEVICE_CODE_INTERVAL_SECONDS,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
  };
}

function required(req: EmulatorRequest, name: string): string {
  const value = req.form.get(name);
  if (value === null || value === '') {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  return value;
}
