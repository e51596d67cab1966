import { X509Certificate } from 'node:crypto';

import { httpsRequest } from './support/https-client';
import { startTestEmulator, type TestEmulator } from './support/test-emulator';

/** A person who opens the emulator's address (often to accept its certificate) learns what it is. */
describe('the emulator home page', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(async () => {
    await te?.stop();
  });

  it('says what the server is and links to its health and to the CA certificate', async () => {
    const res = await httpsRequest(`${te.emulator.url}/`, te.ca);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Local identity emulator');
    expect(res.body).toContain('href="/health/ready"');
    expect(res.body).toContain('href="/ca.pem"');
    expect(res.body).not.toContain('not_found');
    // Every link on the page answers 200.
    for (const href of ['/health/ready', '/ca.pem'])
      expect((await httpsRequest(`${te.emulator.url}${href}`, te.ca)).status).toBe(200);
  });

  it('serves the CA certificate the server chains to (and no private key)', async () => {
    const res = await httpsRequest(`${te.emulator.url}/ca.pem`, te.ca);
    expect(res.headers['content-type']).toBe('application/x-pem-file');
    expect(res.body).toBe(te.ca);
    expect(res.body).not.toMatch(/PRIVATE KEY/);
    expect(new X509Certificate(res.body).ca).toBe(true);
  });

  it('still answers not_found for other paths and writes', async () => {
    expect((await httpsRequest(`${te.emulator.url}/nothing-here`, te.ca)).status).toBe(404);
    expect((await httpsRequest(`${te.emulator.url}/`, te.ca, { method: 'POST', form: {} })).status).toBe(404);
  });
});
