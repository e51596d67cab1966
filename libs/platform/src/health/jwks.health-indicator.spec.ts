import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { generate } from 'selfsigned';

import { HttpProbe } from './http-probe.adapter';
import { JwksHealthIndicator } from './jwks.health-indicator';

type Handler = (respond: (status: number, body: string) => void) => void;

describe('JwksHealthIndicator', () => {
  let server: Server;
  let url: string;
  let handler: Handler;

  beforeAll(async () => {
    server = createServer((_req, res) =>
      handler((status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(body)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function indicator(jwksUri: string | undefined, timeoutMs = 500): JwksHealthIndicator {
    return new JwksHealthIndicator(
      { name: 't', jwksUri, jwksProbeTimeoutMs: timeoutMs },
      new HttpProbe(),
      new HealthIndicatorService(),
    );
  }

  it('is up when the JWKS answers with keys', async () => {
    handler = (respond) => respond(200, JSON.stringify({ keys: [{ kid: 'a' }, { kid: 'b' }] }));
    await expect(indicator(url).check()).resolves.toEqual({ jwks: { status: 'up', keys: 2 } });
  });

  it('is down when the JWKS holds no keys or answers an error', async () => {
    handler = (respond) => respond(200, JSON.stringify({ keys: [] }));
    await expect(indicator(url).check()).resolves.toEqual({ jwks: { status: 'down', reason: 'no keys' } });
    handler = (respond) => respond(503, '{}');
    await expect(indicator(url).check()).resolves.toEqual({ jwks: { status: 'down', reason: 'status 503' } });
  });

  it('is down within its time budget when the JWKS does not answer', async () => {
    handler = () => undefined;
    const started = Date.now();
    await expect(indicator(url, 200).check()).resolves.toEqual({
      jwks: { status: 'down', reason: 'timeout' },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe('names the cause of a failure', () => {
    let tls: Server;
    let tlsUrl: string;
    let warned: string[];

    beforeAll(async () => {
      const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048 });
      tls = createHttpsServer({ cert: pems.cert, key: pems.private }, (_req, res) =>
        res.end('{"keys":[{}]}'),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/keys`;
    });
    afterAll(async () => {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    });
    beforeEach(() => {
      warned = [];
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
        warned.push(String(message));
      });
    });
    afterEach(() => jest.restoreAllMocks());

    it('reports an untrusted certificate as the cause and logs the CA fix once, not on every probe', async () => {
      const jwks = indicator(tlsUrl, 2_000);
      const result = await jwks.check();
      expect(result).toEqual({
        jwks: {
          status: 'down',
          reason: 'unreachable',
          cause: expect.stringMatching(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/),
        },
      });
      await jwks.check();
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain(
        `the signing keys at ${tlsUrl} (AUTH_JWKS_URI) cannot be fetched: unreachable (`,
      );
      expect(warned[0]).toContain('Hint: the TLS certificate of 127.0.0.1:');
      expect(warned[0]).toContain('NODE_EXTRA_CA_CERTS');
    });

    it('logs an HTTP error with the address to check, and again after having been up', async () => {
      const jwks = indicator(url);
      handler = (respond) => respond(404, '{}');
      await jwks.check();
      handler = (respond) => respond(200, JSON.stringify({ keys: [{ kid: 'a' }] }));
      await jwks.check();
      handler = (respond) => respond(404, '{}');
      await jwks.check();
      expect(warned).toHaveLength(2);
      expect(warned[0]).toContain('cannot be fetched: status 404. Hint: check that AUTH_JWKS_URI');
    });
  });

  it('is down when nothing listens at the address', async () => {
    await expect(indicator('http://127.0.0.1:1/keys').check()).resolves.toEqual({
      jwks: { status: 'down', reason: 'unreachable' },
    });
  });
});
