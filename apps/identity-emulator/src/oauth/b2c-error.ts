import { EntraError, OAuthError } from './entra-error';

/** The OAuth grant B2C refuses (it has no on-behalf-of) and any other grant it does not know. */
export function unsupportedB2cGrant(grantType: string): EntraError {
  return new EntraError(
    OAuthError.UnsupportedGrantType,
    90086,
    `The supplied grant_type [${grantType}] is not supported.`,
    { prefix: 'AADB2C' },
  );
}

type Translation = (error: EntraError) => EntraError;

const b2c = (error: OAuthError, code: number, text: string): EntraError =>
  new EntraError(error, code, text, { prefix: 'AADB2C' });

/** The single-quoted values of an AADSTS text, in order (`… parameter: 'grant_type'.` → `grant_type`). */
const quoted = (description: string): string[] =>
  [...description.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');

/**
 * Entra errors for which Azure AD B2C documents a code of its own (Microsoft Learn, "Error codes: Azure
 * Active Directory B2C"). The `error` value stays Entra's except where a real B2C answer shows another
 * (AADB2C90083 `invalid_request`, AADB2C90086 `unsupported_grant_type`).
 */
const TRANSLATIONS: Readonly<Record<number, Translation>> = {
  900144: (e) =>
    b2c(
      OAuthError.InvalidRequest,
      90083,
      `The request is missing required parameter: ${quoted(e.description)[0]}.`,
    ),
  70003: (e) => unsupportedB2cGrant(quoted(e.description)[0] ?? ''),
  700016: (e) => {
    const [clientId, tenant] = quoted(e.description);
    return b2c(
      e.error,
      90018,
      `The client ID '${clientId}' specified in the request is not registered in tenant '${tenant}'.`,
    );
  },
  7000218: (e) =>
    b2c(e.error, 90079, 'Clients must send a client_secret when redeeming a confidential grant.'),
  7000215: (e) =>
    b2c(
      e.error,
      90081,
      'The specified client_secret does not match the expected value for this client. Please correct the client_secret and try again.',
    ),
  700025: (e) =>
    b2c(
      e.error,
      90084,
      'Public clients should not send a client_secret when redeeming a publicly acquired grant.',
    ),
  501481: (e) => b2c(e.error, 90182, 'The supplied code_verifier does not match associated code_challenge'),
  28000: (e) =>
    b2c(
      e.error,
      90146,
      'The scope provided in request specifies more than one resource for an access token, which is not supported.',
    ),
};

/** The error a B2C token endpoint answers for `error`: its AADB2C code where one is documented, else unchanged. */
export function asB2cError(error: EntraError): EntraError {
  if (error.options.prefix === 'AADB2C') return error;
  return TRANSLATIONS[error.code]?.(error) ?? error;
}
