import { parseEmulatorEnv } from './emulator.config';

describe('parseEmulatorEnv', () => {
  it('defaults to loopback on 8443 with the public URL on localhost and test endpoints off', () => {
    const config = parseEmulatorEnv({});
    expect(config).toMatchObject({
      port: 8443,
      host: '127.0.0.1',
      publicUrl: 'https://localhost:8443',
      testEndpoints: false,
      accessTokenLifetimeSeconds: 3599,
    });
    expect(config.dataDir.endsWith('.local/emulator')).toBe(true);
  });

  it('prefers EMULATOR_PORT over PORT and splits EMULATOR_HOSTNAMES', () => {
    const config = parseEmulatorEnv({
      EMULATOR_PORT: '9443',
      PORT: '1',
      EMULATOR_HOSTNAMES: 'identity-emulator, emulator.local',
      EMULATOR_TEST_ENDPOINTS: 'true',
    });
    expect(config).toMatchObject({
      port: 9443,
      hostnames: ['identity-emulator', 'emulator.local'],
      testEndpoints: true,
    });
  });

  it('names every bad variable in one message', () => {
    const bad = (): unknown =>
      parseEmulatorEnv({ PORT: 'x', EMULATOR_TEST_ENDPOINTS: 'yes', IDENTITY_MODE: 'adfs' });
    expect(bad).toThrow(/- PORT: /);
    expect(bad).toThrow(/- EMULATOR_TEST_ENDPOINTS: /);
    expect(bad).toThrow(/- IDENTITY_MODE: must be one of entra, external-id, b2c/);
  });

  it("serves the identity mode's registrations file unless EMULATOR_REGISTRATIONS names one", () => {
    const b2c = parseEmulatorEnv({ IDENTITY_MODE: 'b2c' });
    const named = parseEmulatorEnv({ IDENTITY_MODE: 'external-id', EMULATOR_REGISTRATIONS: 'x.yaml' });
    expect(b2c).toMatchObject({ identityMode: 'b2c' });
    expect(b2c.registrationsPath.endsWith('libs/local-tenant/registrations.b2c.yaml')).toBe(true);
    expect(named.registrationsPath.endsWith('/x.yaml')).toBe(true);
    expect(parseEmulatorEnv({}).identityMode).toBeUndefined();
  });
});
