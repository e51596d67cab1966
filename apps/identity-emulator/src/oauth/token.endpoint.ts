import type { ServerResponse } from 'node:http';

import { TenantKind } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import { sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authorizationCodeGrant } from '../grants/authorization-code.grant';
import { clientCredentialsGrant } from '../grants/client-credentials.grant';
import { deviceCodeGrant } from '../grants/device-code.grant';
import { onBehalfOfGrant } from '../grants/on-behalf-of.grant';
import { refreshTokenGrant } from '../grants/refresh-token.grant';
import type { TenantView } from '../tenant/directory';
import { asB2cError, unsupportedB2cGrant } from './b2c-error';
import { EntraError, OAuthError, renderB2cError, renderEntraError } from './entra-error';
import { verifyFederatedAssertion } from './federated-credential';

type Grant = (req: EmulatorRequest, tenant: TenantView, ctx: EmulatorContext) => Record<string, unknown>;

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Short grant names used by the request counter and fault matching. */
export const GrantName = {
  ClientCredentials: 'client_credentials',
  OnBehalfOf: 'on_behalf_of',
  AuthorizationCode: 'authorization_code',
  RefreshToken: 'refresh_token',
  DeviceCode: 'device_code',
} as const;

const GRANTS: Readonly<Record<string, { name: string; run: Grant }>> = {
  client_credentials: { name: GrantName.ClientCredentials, run: clientCredentialsGrant },
  [JWT_BEARER]: { name: GrantName.OnBehalfOf, run: onBehalfOfGrant },
  authorization_code: { name: GrantName.AuthorizationCode, run: authorizationCodeGrant },
  refresh_token: { name: GrantName.RefreshToken, run: refreshTokenGrant },
  [DEVICE_CODE]: { name: GrantName.DeviceCode, run: deviceCodeGrant },
  // MSAL sends the short form (msal-common's GrantType.DEVICE_CODE_GRANT), which Entra accepts as well.
  device_code: { name: GrantName.DeviceCode, run: deviceCodeGrant },
};

/** Real token-endpoint headers (docs/entra-protocol.md#token-endpoint); CORS so a SPA can redeem its code. */
export function tokenHeaders(req: EmulatorRequest): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'x-ms-request-id': req.traceId,
    'client-request-id': req.correlationId,
    'access-control-allow-origin': typeof origin === 'string' ? origin : '*',
    vary: 'Origin',
  };
}

/** The grant name and client id of a token request, before it is processed (for counting and fault rules). */
export function describeTokenRequest(req: EmulatorRequest): { grant: string; clientId: string } {
  const grantType = req.form.get('grant_type') ?? '';
  const authorization = req.headers.authorization;
  let clientId = req.form.get('client_id') ?? '';
  if (clientId === '' && authorization !== undefined && /^basic /i.test(authorization)) {
    clientId = decodeURIComponent(
      Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0] ?? '',
    );
  }
  return { grant: GRANTS[grantType]?.name ?? (grantType || '-'), clientId: clientId.toLowerCase() || '-' };
}

/** The resource a token request names (client id of the resource if known), for the counter. */
function resourceOf(req: EmulatorRequest, ctx: EmulatorContext): string {
  const scope = (req.form.get('scope') ?? '').split(' ').find((s) => s.includes('/'));
  if (scope === undefined) return '-';
  const identifier = scope.slice(0, scope.lastIndexOf('/'));
  return ctx.directory.resource(identifier)?.clientId ?? identifier;
}

/**
 * Counts a request that reached a tenant's token endpoint, before anything else happens to it, so that
 * requests answered by an injected fault count as well as failed ones (docs/emulator.md).
 */
export function countTokenRequest(req: EmulatorRequest, ctx: EmulatorContext): void {
  const described = describeTokenRequest(req);
  ctx.counter.record(described.grant, described.clientId, resourceOf(req, ctx));
}

/** `POST /{tenant}/oauth2/v2.0/token` (counted by the router, {@link countTokenRequest}). */
export async function handleToken(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): Promise<void> {
  const headers = tokenHeaders(req);
  try {
    if (req.method !== 'POST') {
      throw new EntraError(
        OAuthError.InvalidRequest,
        900561,
        'The endpoint only accepts POST requests. Received a GET request.',
      );
    }
    const grantType = req.form.get('grant_type');
    // Azure AD B2C has no on-behalf-of: it refuses the jwt-bearer grant like any unknown one (AADB2C90086).
    if (tenant.isB2c && grantType === JWT_BEARER) throw unsupportedB2cGrant(grantType);
    // The device code flow is served for Entra tenants only (docs/emulator.md).
    if (tenant.kind !== TenantKind.Entra && GRANTS[grantType ?? '']?.name === GrantName.DeviceCode)
      throw unsupportedGrant(grantType);
    const grant = grantType === null ? undefined : GRANTS[grantType];
    if (grant === undefined) throw unsupportedGrant(grantType);
    // A federated client assertion (workload identity) needs the issuer's keys: fetched before the grant,
    // which then sees the client as authenticated (B2C has no federated credentials).
    const federatedClientId = tenant.isB2c ? undefined : await verifyFederatedAssertion(req, tenant, ctx);
    const request = federatedClientId === undefined ? req : { ...req, federatedClientId };
    sendJson(res, 200, grant.run(request, tenant, ctx), headers);
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    const ids = { traceId: req.traceId, correlationId: req.correlationId };
    if (tenant.isB2c) {
      const answer = asB2cError(error);
      return sendJson(res, answer.status, renderB2cError(answer, ids, ctx.nowMs()), headers);
    }
    const body = renderEntraError(error, ids, ctx.nowMs());
    sendJson(res, error.status, body, { ...headers, 'x-ms-clitelem': `1,${error.code},0,,` });
  }
}

function unsupportedGrant(grantType: string | null): EntraError {
  if (grantType === null || grantType === '') {
    return new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  return new EntraError(
    OAuthError.UnsupportedGrantType,
    70003,
    `The app requested an unsupported grant type '${grantType}'.`,
  );
}
