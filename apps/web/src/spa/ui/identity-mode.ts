import type { IdentityMode, SpaConfig } from '../../shared/spa-config';
import { userFlowOf } from '../auth/user-flow';

/** The product each identity mode stands for, as the header names it. */
export const MODE_LABEL: Readonly<Record<IdentityMode, string>> = {
  entra: 'Entra ID (workforce)',
  'external-id': 'Entra External ID',
  b2c: 'Azure AD B2C',
};

/** One sentence on how this mode signs in, reaches the APIs and steps up (the sign-in page's hint). */
export function modeSummary(config: SpaConfig): string {
  switch (config.identityMode) {
    case 'entra':
      return 'Workforce tenant: the BFF calls program- and documents-service on behalf of the user and pricing-service with client credentials; an approval steps up through a claims challenge (second factor).';
    case 'external-id':
      return 'External (customer) tenant on the ciamlogin host: on-behalf-of and client credentials as in Entra ID; an approval steps up through a claims challenge (second factor).';
    case 'b2c': {
      const social = [...new Set(config.demoUsers.flatMap((u) => u.identityProvider ?? []))];
      const accounts = social.length === 0 ? 'a local account' : `a local account or ${social.join(', ')}`;
      return `B2C has no on-behalf-of: the BFF reaches program- and documents-service by verified delegation (its client-credentials token plus a user proof it signs) and pricing-service with client credentials. Sign in with ${accounts}; an approval steps up through the user flow ${userFlowOf(config.auth.stepUpAuthority) ?? 'that enforces MFA'}.`;
    }
    default:
      return '';
  }
}
