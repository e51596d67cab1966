import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { ClientCredential } from '@chain/auth';

import type { BffEnv } from './bff.config';

/**
 * The BFF's client credential for the token service: the secret, or the certificate read from its two
 * PEM files (private key + SHA-256 thumbprint and `x5c` of the certificate, as Entra's
 * `private_key_jwt` with `x5t#S256` needs, docs/entra-protocol.md#client-authentication-secrets-and-assertions). Read once at boot; the values are never logged.
 *
 * @throws Error naming the file (not its content) when a certificate file cannot be read or parsed.
 */
export function clientCredentialFromEnv(env: BffEnv): ClientCredential {
  if (env.AUTH_CLIENT_SECRET !== undefined) return { kind: 'secret', secret: env.AUTH_CLIENT_SECRET };
  const certPath = env.AUTH_CLIENT_CERTIFICATE_PATH ?? '';
  const keyPath = env.AUTH_CLIENT_CERTIFICATE_KEY_PATH ?? '';
  const certificate = parseCertificate(readPem(certPath, 'AUTH_CLIENT_CERTIFICATE_PATH'), certPath);
  return {
    kind: 'certificate',
    privateKeyPem: readPem(keyPath, 'AUTH_CLIENT_CERTIFICATE_KEY_PATH'),
    thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
    x5c: certificate.raw.toString('base64'),
  };
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`bff: ${variable}: cannot read ${path}`);
  }
}

function parseCertificate(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new Error(`bff: AUTH_CLIENT_CERTIFICATE_PATH: ${path} is not a PEM certificate`);
  }
}
