import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { Logger } from '@nestjs/common';
import { generate } from 'selfsigned';

import { describeJwksFailure, SigningKeyResolver } from './signing-key.resolver';
import { SigningKeysUnavailableError } from './validation.errors';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const resolverFor = (jwksUri: string) =>
  new SigningKeyResolver({
    jwksUri,
    jwksCacheMaxAgeMs: 60_000,
    jwksRequestsPerMinute: 100,
    jwksTimeoutMs: 2_000,
  });

describe('SigningKeyResolver diagnostics', () => {
  let tls: Server;
  let tlsHost: string;
  let busy: Server;
  let busyHost: string;
  let warned: string[];

  beforeAll(async () => {
    // A certificate no one trusts: what a private CA looks like before NODE_EXTRA_CA_CERTS is set.
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048 });
    tls = createHttpsServer({ cert: pems.cert, key: pems.private }, (_req, res) => res.end('{"keys":[]}'));
    tlsHost = await listen(tls);
    busy = createHttpServer((_req, res) => res.writeHead(503, 'Service Unavailable').end());
    busyHost = await listen(busy);
  });
  afterAll(async () => {
    for (const server of [tls, busy]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  beforeEach(() => {
    warned = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warned.push(String(message));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('names an untrusted certificate and the CA fix when the JWKS cannot be fetched over TLS', async () => {
    const uri = `https://${tlsHost}/keys`;
    await expect(resolverFor(uri).resolve('kid-1')).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`signing keys could not be fetched from ${uri} (AUTH_JWKS_URI)`);
    expect(warned[0]).toMatch(/TLS failure \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    expect(warned[0]).toContain(`Hint: the TLS certificate of ${tlsHost} is not trusted`);
    expect(warned[0]).toContain('NODE_EXTRA_CA_CERTS');
    expect(warned[0]).toContain('jwksCaPem');
  });

  it('names an HTTP error answered by the JWKS address', async () => {
    const uri = `http://${busyHost}/keys`;
    await expect(resolverFor(uri).resolve('kid-1')).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    expect(warned[0]).toContain('the JWKS answered an HTTP error or no usable keys (Service Unavailable)');
    expect(warned[0]).toContain("Hint: check that AUTH_JWKS_URI is the issuer's keys address");
  });

  it('names a host that does not resolve and a refused connection', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND idp.invalid'), { code: 'ENOTFOUND' });
    expect(describeJwksFailure(dns, 'https://idp.invalid/keys')).toContain(
      'DNS failure (ENOTFOUND). Hint: the host idp.invalid does not resolve (DNS ENOTFOUND): check the host name in AUTH_JWKS_URI',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describeJwksFailure(refused, 'http://127.0.0.1:9/keys')).toContain(
      'connection refused (ECONNREFUSED). Hint: nothing answers at 127.0.0.1:9 (ECONNREFUSED)',
    );
  });
});
