import type { EmulatorRequest } from '../common/http-kit';
import type { AppView, TenantView } from '../tenant/directory';
import { EntraError, OAuthError } from './entra-error';

/**
 * Entra binds code and refresh-token redemption to the client type (Microsoft Learn, "Microsoft identity
 * platform and OAuth 2.0 authorization code flow": SPA redirect URIs need a cross-origin redemption): a SPA's
 * tokens only by a cross-origin request, one with an `Origin` header (AADSTS9002327); any other client's never
 * (AADSTS9002326). Both texts and the `invalid_request` value are Entra's, quoted in public issues. Not checked
 * for B2C tenants (no primary source for B2C's behaviour).
 */
export function checkRedemptionOrigin(req: EmulatorRequest, client: AppView, tenant: TenantView): void {
  if (tenant.isB2c) return;
  const crossOrigin = typeof req.headers.origin === 'string' && req.headers.origin !== '';
  if (client.isSpa && !crossOrigin) {
    throw new EntraError(
      OAuthError.InvalidRequest,
      9002327,
      "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    );
  }
  if (!client.isSpa && crossOrigin) {
    throw new EntraError(
      OAuthError.InvalidRequest,
      9002326,
      "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
    );
  }
}
