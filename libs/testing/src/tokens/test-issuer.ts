import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadRegistrations } from '@chain/local-tenant';
import { sign } from 'jsonwebtoken';

/** Options of {@link TestIssuer.start}. */
export interface TestIssuerOptions {
  /** Tenant GUID in the issuer and the default `tid`; default: the local tenant of registrations.yaml. */
  readonly tenantId?: string;
  /** Issuer value; default `https://login.test/<tenantId>/v2.0`. */
  readonly issuer?: string;
}

/** Per-token signing choices (the default: the published key, RS256, its kid). */
export interface SignOptions {
  /** Sign with a key the JWKS does not publish (but announce this kid). */
  readonly unpublishedKey?: boolean;
  /** Header fields to add or override (e.g. `jku`, `x5u`, `kid`). */
  readonly header?: Record<string, unknown>;
  /** Leave the default claims (iss, tid, ver, iat, nbf, exp) out. */
  readonly bare?: boolean;
}

/**
 * A local token issuer for app e2e tests: an RSA key, its JWKS served on 127.0.0.1 (random port)
 * and `sign(claims)` producing RS256 access tokens. Stands in for Entra where a test needs exact
 * control of every claim; the chain tests use the real emulator instead.
 */
export class TestIssuer {
  private constructor(
    readonly issuer: string,
    readonly jwksUri: string,
    readonly tenantId: string,
    readonly kid: string,
    private readonly privateKey: KeyObject,
    private readonly server: Server,
    private readonly stranger: KeyObject,
    private readonly counter: { requests: number },
  ) {}

  /** The published public key, PEM (SPKI). */
  get publicKeyPem(): string {
    return createPublicKey(this.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  }

  /** How many times the JWKS was fetched. */
  get jwksRequests(): number {
    return this.counter.requests;
  }

  static async start(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const tenantId = options.tenantId ?? loadRegistrations().tenants[0]?.id ?? randomUUID();
    const issuer = options.issuer ?? `https://login.test/${tenantId}/v2.0`;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const kid = `test-${randomUUID().slice(0, 8)}`;
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
    const counter = { requests: 0 };
    const server = createServer((req, res) => {
      counter.requests += 1;
      if (req.url !== '/discovery/v2.0/keys') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const jwksUri = `http://127.0.0.1:${port}/discovery/v2.0/keys`;
    return new TestIssuer(issuer, jwksUri, tenantId, kid, privateKey, server, stranger, counter);
  }

  /** An RS256 token with `claims` over the defaults (iss, tid, ver 2.0, iat/nbf now, exp in 1 h); an `undefined` claim is left out. */
  sign(claims: Record<string, unknown>, options: SignOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const defaults = options.bare
      ? {}
      : { iss: this.issuer, tid: this.tenantId, ver: '2.0', iat: now, nbf: now, exp: now + 3600 };
    const key = options.unpublishedKey ? this.stranger : this.privateKey;
    const payload = Object.fromEntries(
      Object.entries({ ...defaults, ...claims }).filter(([, v]) => v !== undefined),
    );
    return sign(payload, key, {
      algorithm: 'RS256',
      header: { alg: 'RS256', typ: 'JWT', kid: this.kid, ...options.header },
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
