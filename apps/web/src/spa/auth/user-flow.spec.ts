import { userFlowOf } from './user-flow';

describe('userFlowOf', () => {
  it('reads the user flow from the last path segment of a B2C authority, with or without a slash', () => {
    expect(userFlowOf('https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin_mfa')).toBe(
      'B2C_1_signin_mfa',
    );
    expect(userFlowOf('https://localhost:8443/contoso.onmicrosoft.com/B2C_1_signupsignin/')).toBe(
      'B2C_1_signupsignin',
    );
  });

  it('has none to read when there is no authority', () => {
    expect(userFlowOf(undefined)).toBeUndefined();
  });
});
