import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HealthIndicatorService } from '@nestjs/terminus';

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

  it('is down when nothing listens at the address', async () => {
    await expect(indicator('http://127.0.0.1:1/keys').check()).resolves.toEqual({
      jwks: { status: 'down', reason: 'unreachable' },
    });
  });
});
