import { asB2cError, unsupportedB2cGrant } from './b2c-error';
import { EntraError, OAuthError } from './entra-error';

describe('B2C token-endpoint errors', () => {
  it('refuses a grant B2C does not know with AADB2C90086 unsupported_grant_type', () => {
    const error = unsupportedB2cGrant('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect([error.error, error.status, error.message]).toEqual([
      'unsupported_grant_type',
      400,
      'AADB2C90086: The supplied grant_type [urn:ietf:params:oauth:grant-type:jwt-bearer] is not supported.',
    ]);
  });

  it('translates an Entra error B2C has its own code for, carrying the quoted values over', () => {
    const entra = new EntraError(
      OAuthError.UnauthorizedClient,
      700016,
      "Application with identifier 'abc' was not found in the directory 'contoso-b2c'. This can happen …",
    );
    expect(asB2cError(entra).message).toBe(
      "AADB2C90018: The client ID 'abc' specified in the request is not registered in tenant 'contoso-b2c'.",
    );
    expect(asB2cError(new EntraError(OAuthError.InvalidClient, 7000215, 'x')).status).toBe(401);
  });

  it('keeps an Entra error B2C documents no code for', () => {
    const entra = new EntraError(OAuthError.InvalidScope, 70011, 'scope not exposed');
    expect(asB2cError(entra)).toBe(entra);
  });
});
