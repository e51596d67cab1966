import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SpaConfig } from '../shared/spa-config';
import { contentSecurityPolicy, createWebServer } from './web-server';

const config: SpaConfig = {
  identityMode: 'entra',
  auth: {
    clientId: 'web',
    authority: 'https://localhost:8443/tid',
    knownAuthorities: ['localhost:8443'],
    scopes: [],
  },
  bffUrl: 'http://localhost:3000',
  applications: {},
  demoUsers: [],
};

describe('createWebServer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-public-'));
  let base: string;
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>portal</title>',
    'app.js': 'console.log(1)',
    'app.js.map': '{}',
    'app.css': 'body{}',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  const server = createWebServer(dir, config);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the SPA settings at /spa-config.json', async () => {
    const res = await fetch(`${base}/spa-config.json`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).resolves.toEqual(config);
  });

  it('answers index.html on / with the code and state MSAL brings back, never leaking them by Referer', async () => {
    const res = await fetch(`${base}/?code=abc&state=xyz`);
    expect(res.status).toBe(200);
    await expect(res.text()).resolves.toContain('<title>portal</title>');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers index.html on a programme address (deep link, reload) and serves the favicon', async () => {
    const page = await fetch(`${base}/programmes/6b1f0c2e-9d8a-4f7b-8c6d-5e4f3a2b1c0d`);
    expect(page.status).toBe(200);
    await expect(page.text()).resolves.toContain('<title>portal</title>');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${base}/programmes/a/b`)).status).toBe(404);
    expect((await fetch(`${base}/programmes`)).status).toBe(404);
  });

  it('allows scripts from itself only and connections to itself, the BFF and the authority', async () => {
    const csp = (await fetch(`${base}/app.js`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' http://localhost:3000 https://localhost:8443");
  });

  it('serves nothing else: 404 for other paths, 405 for writes', async () => {
    expect((await fetch(`${base}/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${base}/server.js`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('contentSecurityPolicy', () => {
  it('lets the SPA reach the host of the B2C step-up user flow too', () => {
    const csp = contentSecurityPolicy({
      ...config,
      identityMode: 'b2c',
      auth: {
        ...config.auth,
        authority: 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_signin',
        stepUpAuthority: 'https://login.contoso.com/contosob2c.onmicrosoft.com/B2C_1_mfa',
      },
    });
    expect(csp).toContain(
      "connect-src 'self' http://localhost:3000 https://contosob2c.b2clogin.com https://login.contoso.com",
    );
  });
});
