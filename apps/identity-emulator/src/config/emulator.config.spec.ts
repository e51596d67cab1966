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
    expect(() => parseEmulatorEnv({ PORT: 'x', EMULATOR_TEST_ENDPOINTS: 'yes' })).toThrow(
      /PORT[\s\S]*EMULATOR_TEST_ENDPOINTS/,
    );
  });
});
