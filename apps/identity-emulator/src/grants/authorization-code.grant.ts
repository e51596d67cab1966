import { createHash, timingSafeEqual } from 'node:crypto';

import type { EmulatorRequest } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { authenticateClient } from '../oauth/client-auth';
import { EntraError, OAuthError } from '../oauth/entra-error';
import { checkRedemptionOrigin } from '../oauth/redemption-origin';
import { parseScopes } from '../oauth/scopes';
import { parseClaimsRequest } from '../oauth/step-up';
import type { TenantView } from '../tenant/directory';
import { type CodeRecord, grantTenant } from './grant-stores';
import { issueUserTokens } from './user-token-response';

/**
 * `grant_type=authorization_code`: single-use code, same client and redirect URI, PKCE S256 (RFC 7636 §4.6),
 * redeemed cross-origin exactly when the client is a SPA. At `/organizations` or `/common` the tokens are
 * the user's tenant's.
 */
export function authorizationCodeGrant(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: EmulatorContext,
): Record<string, unknown> {
  const client = authenticateClient(req, tenant, ctx);
  checkRedemptionOrigin(req, client.app, tenant);
  const code = req.form.get('code') ?? '';
  const record = ctx.codes.get(code);
  if (record === undefined)
    throw new EntraError(
      OAuthError.InvalidGrant,
      9002313,
      'Invalid request. Request is malformed or invalid.',
    );
  if (record === 'expired') {
    throw new EntraError(
      OAuthError.InvalidGrant,
      70008,
      'The provided authorization code or refresh token has expired due to inactivity.',
    );
  }
  if (record.redeemed) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    );
  }
  const issuedIn = grantTenant(record, tenant, ctx.directory);
  if (record.clientId !== client.app.clientId || issuedIn === undefined || record.policy !== req.policy) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      70000,
      'The provided grant is invalid or malformed: the code was issued to another client.',
    );
  }
  const redirectUri = req.form.get('redirect_uri') ?? '';
  if (redirectUri !== record.redirectUri) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      500112,
      `The reply address '${redirectUri}' does not match the reply address '${record.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  verifyPkce(record, req.form.get('code_verifier'));
  record.redeemed = true;
  const scopes = parseScopes(req.form.get('scope') ?? record.scope, ctx.directory, issuedIn);
  const claims = parseClaimsRequest(record.claims);
  return issueUserTokens(
    {
      tenant: issuedIn,
      policy: req.policy,
      client: client.app,
      clientAuth: client.method,
      scopes,
      user: record.user,
      claims,
      nonce: record.nonce,
      clientInfoRequested: req.form.get('client_info') === '1',
    },
    ctx,
  );
}

function verifyPkce(record: CodeRecord, verifier: string | null): void {
  if (record.codeChallenge === undefined) return;
  const computed = Buffer.from(
    createHash('sha256')
      .update(verifier ?? '')
      .digest('base64url'),
  );
  const expected = Buffer.from(record.codeChallenge);
  if (verifier === null || computed.length !== expected.length || !timingSafeEqual(computed, expected)) {
    throw new EntraError(
      OAuthError.InvalidGrant,
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    );
  }
}
