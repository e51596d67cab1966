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
});
