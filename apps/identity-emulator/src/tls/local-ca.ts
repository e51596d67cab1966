import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';

import { generate } from 'selfsigned';

import { readIfExists, withDirectoryLock, writeFileAtomic } from '../common/atomic-files';

/** The TLS material the emulator serves with; `caFile` is what clients put in NODE_EXTRA_CA_CERTS. */
export interface TlsMaterial {
  readonly caFile: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;
const BASE_HOSTNAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * Loads the local CA and server certificate from `dataDir`, generating what is missing: a CA valid
 * ten years, a server certificate valid one year whose SANs cover localhost, 127.0.0.1, ::1 and
 * `extraHostnames`. An existing server certificate is re-issued (same CA) when a hostname is missing
 * or it expires within a week.
 */
export async function ensureTlsMaterial(
  dataDir: string,
  extraHostnames: readonly string[],
): Promise<TlsMaterial> {
  const hostnames = [...new Set([...BASE_HOSTNAMES, ...extraHostnames])];
  return withDirectoryLock(dataDir, async () => {
    const ca = await ensureCa(dataDir);
    const server = await ensureServerCertificate(dataDir, ca, hostnames);
    return { caFile: join(dataDir, 'ca.pem'), caPem: ca.cert, certPem: server.cert, keyPem: server.key };
  });
}

interface Pair {
  readonly cert: string;
  readonly key: string;
}

async function ensureCa(dataDir: string): Promise<Pair> {
  const cert = await readIfExists(join(dataDir, 'ca.pem'));
  const key = await readIfExists(join(dataDir, 'ca-key.pem'));
  if (cert !== undefined && key !== undefined) return { cert, key };
  const now = Date.now();
  const generated = await generate([{ name: 'commonName', value: 'entra-api-chain local CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  await writeFileAtomic(join(dataDir, 'ca-key.pem'), generated.private);
  await writeFileAtomic(join(dataDir, 'ca.pem'), generated.cert, 0o644);
  return { cert: generated.cert, key: generated.private };
}

async function ensureServerCertificate(
  dataDir: string,
  ca: Pair,
  hostnames: readonly string[],
): Promise<Pair> {
  const cert = await readIfExists(join(dataDir, 'server.pem'));
  const key = await readIfExists(join(dataDir, 'server-key.pem'));
  if (cert !== undefined && key !== undefined && stillFits(cert, ca.cert, hostnames)) return { cert, key };
  const now = Date.now();
  const generated = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hostnames.map((h) =>
          isIP(h) !== 0 ? { type: 7 as const, ip: h } : { type: 2 as const, value: h },
        ),
      },
    ],
  });
  await writeFileAtomic(join(dataDir, 'server-key.pem'), generated.private);
  await writeFileAtomic(join(dataDir, 'server.pem'), generated.cert, 0o644);
  return { cert: generated.cert, key: generated.private };
}

function stillFits(certPem: string, caPem: string, hostnames: readonly string[]): boolean {
  const cert = new X509Certificate(certPem);
  if (!cert.checkIssued(new X509Certificate(caPem))) return false;
  if (Date.parse(cert.validTo) - Date.now() < 7 * DAY_MS) return false;
  return hostnames.every((h) =>
    isIP(h) !== 0 ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined,
  );
}
