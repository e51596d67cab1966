import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { sign } from 'jsonwebtoken';
import { generate } from 'selfsigned';

/** The audience of tokens exchanged through a federated identity credential. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

/**
 * A Kubernetes cluster's OIDC issuer in miniature, for workload identity tests: HTTPS on loopback with a
 * self-signed certificate for `localhost` (its PEM is what the emulator trusts, through NODE_EXTRA_CA_CERTS),
 * serving `/.well-known/openid-configuration` and `/openid/v1/jwks` as the API server does, and minting
 * service-account tokens signed by its current key. Keys can be rotated (the JWKS then lists only the
 * published keys).
 */
export class LocalOidcIssuer {
  private keys: SigningKey[] = [];
  private current!: SigningKey;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly tlsCertificatePem: string,
  ) {}

  static async start(): Promise<LocalOidcIssuer> {
    const tls = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const ref: { issuer?: LocalOidcIssuer } = {};
    const server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
      const body =
        req.url === '/.well-known/openid-configuration'
          ? {
              issuer: ref.issuer?.issuer,
              jwks_uri: `${ref.issuer?.issuer}/openid/v1/jwks`,
              id_token_signing_alg_values_supported: ['RS256'],
            }
          : req.url === '/openid/v1/jwks'
            ? { keys: ref.issuer?.keys.map((k) => k.publicJwk) ?? [] }
            : undefined;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const issuer = new LocalOidcIssuer(server, `https://localhost:${port}`, tls.cert);
    issuer.rotateKey({ keepPrevious: false });
    ref.issuer = issuer;
    return issuer;
  }

  /** A new signing key becomes current; the previous one stays published only if `keepPrevious`. */
  rotateKey(options: { keepPrevious: boolean }): void {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const key = {
      kid,
      privateKey,
      publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
    };
    this.keys = options.keepPrevious ? [...this.keys, key] : [key];
    this.current = key;
  }

  /** A projected service-account token: `sub` `system:serviceaccount:<namespace>:<name>`, signed by the current key. */
  serviceAccountToken(
    subject: string,
    lifetimeSeconds: number,
    claims: { readonly audience?: string; readonly issuer?: string } = {},
  ): string {
    return sign(
      { kubernetes: { serviceaccount: { name: subject.split(':').pop() } } },
      this.current.privateKey,
      {
        algorithm: 'RS256',
        keyid: this.current.kid,
        issuer: claims.issuer ?? this.issuer,
        subject,
        audience: claims.audience ?? TOKEN_EXCHANGE_AUDIENCE,
        expiresIn: lifetimeSeconds,
        jwtid: randomUUID(),
      },
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
