import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A signing key, its JWKS served on 127.0.0.1 (node:http), and tokens shaped like Entra v2 user tokens. */
export interface JwksFixture {
  readonly jwksUri: string;
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  readonly publicKey: KeyObject;
  /** A distinct, validly signed token (a fresh `uti` and `oid` each call). */
  sign(index: number): string;
  close(): Promise<void>;
}

const TENANT = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const AUDIENCE = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
const SPA_CLIENT = '0b7c2f9e-1a4d-4e8b-9c3f-6d5e4a3b2c11';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startJwksFixture(): Promise<JwksFixture> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', kty: 'RSA' };
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/${TENANT}/v2.0`;
  const header = b64url({ alg: 'RS256', typ: 'JWT', kid });
  const now = Math.floor(Date.now() / 1000);
  return {
    jwksUri: `${base}/${TENANT}/discovery/v2.0/keys`,
    issuer,
    audience: AUDIENCE,
    kid,
    publicKey: createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })),
    sign: (index) => {
      const oid = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      const payload = b64url({
        aud: AUDIENCE,
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + 3600,
        aio: randomUUID(),
        azp: SPA_CLIENT,
        azpacr: '0',
        name: `User ${index}`,
        oid,
        preferred_username: `user${index}@contoso-brokers.onmicrosoft.com`,
        rh: randomUUID(),
        scp: 'access_as_user',
        sub: oid,
        tid: TENANT,
        uti: randomUUID(),
        ver: '2.0',
      });
      const input = `${header}.${payload}`;
      return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
