import { loadWebEnv } from './web.config';

describe('loadWebEnv', () => {
  it('defaults to the local demo: 127.0.0.1:8080, the BFF on 3000, the emulator on 8443', () => {
    expect(loadWebEnv({})).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8080,
      BFF_URL: 'http://localhost:3000',
      EMULATOR_PUBLIC_URL: 'https://localhost:8443',
    });
  });

  it('names every bad variable and how to fix it in one message', () => {
    expect(() => loadWebEnv({ PORT: 'eighty', EMULATOR_PUBLIC_URL: 'http://localhost:8443' })).toThrow(
      /2 problem\(s\):\n {2}- PORT: must be a port number \(fix: .+\)\n {2}- EMULATOR_PUBLIC_URL: must start with https:\/\//,
    );
  });

  it('requires the authority and the scopes with a real tenant client id', () => {
    expect(() => loadWebEnv({ WEB_CLIENT_ID: 'spa' })).toThrow(
      /WEB_AUTHORITY: is required with WEB_CLIENT_ID[\s\S]*WEB_API_SCOPES/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadWebEnv({ BFF_URL: '' }).BFF_URL).toBe('http://localhost:3000');
  });

  it('runs in Entra ID mode unless IDENTITY_MODE says otherwise', () => {
    expect(loadWebEnv({}).IDENTITY_MODE).toBe('entra');
    expect(loadWebEnv({ IDENTITY_MODE: 'b2c' }).IDENTITY_MODE).toBe('b2c');
  });

  it('refuses a mode that does not exist and lists the ones that do, beside the other bad variables', () => {
    expect(() => loadWebEnv({ IDENTITY_MODE: 'adb2c' })).toThrow(
      /IDENTITY_MODE: unknown identity mode "adb2c"; use one of entra, external-id, b2c/,
    );
    expect(() =>
      loadWebEnv({ IDENTITY_MODE: 'adb2c', WEB_CLIENT_ID: 'spa', WEB_AUTHORITY: 'https://login.example/t' }),
    ).toThrow(
      /2 problem\(s\):\n {2}- IDENTITY_MODE: .+\n {2}- WEB_API_SCOPES: is required with WEB_CLIENT_ID/,
    );
  });
});

describe('loadWebEnv with a real tenant', () => {
  const real = { WEB_CLIENT_ID: 'spa', WEB_API_SCOPES: 'api://bff/access_as_user' };
  const b2c = 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com';

  it('refuses a B2C authority in Entra ID mode and names the mode to select', () => {
    expect(() => loadWebEnv({ ...real, WEB_AUTHORITY: `${b2c}/B2C_1_signin` })).toThrow(
      /WEB_AUTHORITY: contosob2c\.b2clogin\.com is an authority of b2c, but IDENTITY_MODE is entra: set IDENTITY_MODE=b2c/,
    );
  });

  it('refuses a workforce authority in External ID mode and shows the ciamlogin shape', () => {
    expect(() =>
      loadWebEnv({
        ...real,
        IDENTITY_MODE: 'external-id',
        WEB_AUTHORITY: 'https://login.microsoftonline.com/tid',
      }),
    ).toThrow(/WEB_AUTHORITY: an External ID authority is https:\/\/<subdomain>\.ciamlogin\.com\//);
  });

  it('accepts an External ID custom URL domain once it is a known authority', () => {
    const env = loadWebEnv({
      ...real,
      IDENTITY_MODE: 'external-id',
      WEB_AUTHORITY: 'https://login.contoso.com/tid',
      WEB_KNOWN_AUTHORITIES: 'login.contoso.com',
    });
    expect(env.WEB_AUTHORITY).toBe('https://login.contoso.com/tid');
  });

  it('requires the MFA user flow in B2C mode, of the same tenant', () => {
    expect(() => loadWebEnv({ ...real, IDENTITY_MODE: 'b2c', WEB_AUTHORITY: `${b2c}/B2C_1_signin` })).toThrow(
      /WEB_STEP_UP_AUTHORITY: is required with IDENTITY_MODE=b2c/,
    );
    expect(() =>
      loadWebEnv({
        ...real,
        IDENTITY_MODE: 'b2c',
        WEB_AUTHORITY: `${b2c}/B2C_1_signin`,
        WEB_STEP_UP_AUTHORITY: 'https://other.b2clogin.com/other.onmicrosoft.com/B2C_1_mfa',
      }),
    ).toThrow(/WEB_STEP_UP_AUTHORITY: must be a user flow of the same tenant as WEB_AUTHORITY/);
  });

  it('refuses the ?p= policy form, which MSAL does not support', () => {
    expect(() =>
      loadWebEnv({
        ...real,
        IDENTITY_MODE: 'b2c',
        WEB_AUTHORITY: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com?p=B2C_1_signin',
        WEB_STEP_UP_AUTHORITY: `${b2c}/B2C_1_mfa`,
      }),
    ).toThrow(
      /WEB_AUTHORITY: a B2C authority is https:\/\/<tenant>\.b2clogin\.com\/<tenant>\.onmicrosoft\.com\/<user flow>/,
    );
  });

  it('refuses a step-up user flow outside B2C mode', () => {
    expect(() =>
      loadWebEnv({
        ...real,
        WEB_AUTHORITY: 'https://login.microsoftonline.com/tid',
        WEB_STEP_UP_AUTHORITY: `${b2c}/B2C_1_mfa`,
      }),
    ).toThrow(/WEB_STEP_UP_AUTHORITY: only a B2C tenant steps up through a second user flow/);
  });
});
