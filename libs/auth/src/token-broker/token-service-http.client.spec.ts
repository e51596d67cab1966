import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parseRetryAfter, TokenServiceHttpClient } from './token-service-http.client';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('TokenServiceHttpClient', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 500);
      if (req.url?.startsWith('/busy')) {
        res.writeHead(503, { 'retry-after': '12', 'content-type': 'text/html' });
        return void res.end('<html>busy</html>');
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'invalid_grant',
          error_codes: [70002, 500133],
          trace_id: 'trace-9',
          correlation_id: 'c2',
        }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => new Promise<void>((ok) => server.close(() => ok())));

  it('returns error answers to MSAL and remembers status and Retry-After per correlation id', async () => {
    const client = new TokenServiceHttpClient({ timeoutMs: 1_000 });
    const busy = await client.sendPostRequestAsync<{ error: string }>(`${url}/busy?client-request-id=c1`, {
      body: 'a=b',
    });
    expect(busy).toMatchObject({ status: 503, body: { error: 'server_error' } });
    expect(client.takeObservation('c1')).toEqual({ kind: 'unavailable', status: 503, retryAfterSeconds: 12 });
    expect(client.takeObservation('c1')).toBeUndefined();
    const bad = await client.sendGetRequestAsync<{ error: string }>(`${url}/bad`, { correlationId: 'c2' });
    expect(bad.body.error).toBe('invalid_grant');
    expect(client.takeObservation('c2')).toEqual({
      kind: 'rejected',
      status: 400,
      errorCodes: [70002, 500133],
      traceId: 'trace-9',
    });
    client.destroy();
  });

  it('records the transport code of a failure without an answer (TLS spoken to a plain HTTP server)', async () => {
    const client = new TokenServiceHttpClient({ timeoutMs: 1_000 });
    const https = url.replace('http://', 'https://');
    await expect(client.sendPostRequestAsync(`${https}/x`, { correlationId: 'c4' })).rejects.toThrow();
    expect(client.takeObservation('c4')).toEqual({
      kind: 'network',
      transportCode: expect.stringMatching(/^(ERR_SSL_WRONG_VERSION_NUMBER|EPROTO|ECONNRESET)$/),
    });
    client.destroy();
  });

  it('gives up on a slow answer and records a timeout', async () => {
    const client = new TokenServiceHttpClient({ timeoutMs: 50 });
    await expect(client.sendPostRequestAsync(`${url}/slow`, { correlationId: 'c3' })).rejects.toThrow(
      'timed out',
    );
    expect(client.takeObservation('c3')?.kind).toBe('timeout');
    client.destroy();
  });
});
