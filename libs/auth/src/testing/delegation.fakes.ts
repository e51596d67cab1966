/* Test doubles for verified delegation (used by unit tests; not part of the public API). */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sign } from 'jsonwebtoken';

import {
  type DelegationSigningKey,
  resolveDelegationSigningKey,
} from '../token-broker/delegation-signing-key';
import { USER_DELEGATION_TYP } from '../validation/user-delegation';

/** A caller's delegation key pair: the PEM, the resolved key and its public JWK. */
export interface CallerKey {
  readonly pem: string;
  readonly key: DelegationSigningKey;
}

/** A fresh 2048-bit RSA delegation key. */
export function callerKey(): CallerKey {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const { key } = resolveDelegationSigningKey({ signingKeyPem: pem });
  if (!key) throw new Error('test key rejected');
  return { pem, key };
}

/** A JWKS on 127.0.0.1 (random port), standing in for a caller's `/.well-known/delegation-jwks.json`. */
export interface JwksServer {
  readonly uri: string;
  readonly requests: () => number;
  stop(): Promise<void>;
}

export async function serveJwks(...keys: CallerKey[]): Promise<JwksServer> {
  let requests = 0;
  const body = JSON.stringify({ keys: keys.map((k) => k.key.publicJwk) });
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/.well-known/delegation-jwks.json`,
    requests: () => requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Signs `claims` as a proof with `signer`'s key (header overridable), for refusals the minter never produces. */
export function signProof(
  signer: CallerKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return sign(payload, signer.key.privateKey, {
    algorithm: 'RS256',
    header: { alg: 'RS256', kid: signer.key.kid, typ: USER_DELEGATION_TYP, ...header },
  });
}
