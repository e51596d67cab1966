import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { join } from 'node:path';

import { generate } from 'selfsigned';
import { z } from 'zod';

import { readIfExists, withDirectoryLock, writeFileAtomic } from '../common/atomic-files';

/** `active` signs and is published; `published` is only published (next or previous key); `retired` is gone. */
export const KeyStatus = { Active: 'active', Published: 'published', Retired: 'retired' } as const;
export type KeyStatus = (typeof KeyStatus)[keyof typeof KeyStatus];

const storedKeySchema = z.object({
  kid: z.string(),
  status: z.enum([KeyStatus.Active, KeyStatus.Published, KeyStatus.Retired]),
  createdAt: z.string(),
  certPem: z.string(),
  privateKeyPem: z.string(),
});
const storedFileSchema = z.object({ keys: z.array(storedKeySchema) });
type StoredKey = z.infer<typeof storedKeySchema>;

/** A signing key with its parsed key objects (parsed once: signing with a KeyObject is what keeps tokens fast). */
export interface SigningKey {
  readonly kid: string;
  readonly status: KeyStatus;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Readonly<Record<string, unknown>>;
}

export class KeyRotationError extends Error {}

/** The token-signing keys, persisted in `<dataDir>/signing-keys.json`. */
export class SigningKeyStore {
  private keys: SigningKey[] = [];

  private constructor(
    private readonly file: string,
    private stored: StoredKey[],
  ) {
    this.keys = stored.map(toSigningKey);
  }

  /** Loads the key file, creating it with one active key on first start. */
  static async open(dataDir: string): Promise<SigningKeyStore> {
    const file = join(dataDir, 'signing-keys.json');
    const stored = await withDirectoryLock(dataDir, async () => {
      const text = await readIfExists(file);
      if (text !== undefined) return storedFileSchema.parse(JSON.parse(text)).keys;
      const first = await generateKey(KeyStatus.Active);
      await writeFileAtomic(file, JSON.stringify({ keys: [first] }, null, 2));
      return [first];
    });
    if (!stored.some((k) => k.status === KeyStatus.Active)) throw new Error(`${file} has no active key`);
    return new SigningKeyStore(file, stored);
  }

  active(): SigningKey {
    return this.keys.find((k) => k.status === KeyStatus.Active) as SigningKey;
  }

  /** The key that verifies a token with this `kid`, unless it is unknown or retired. */
  verificationKey(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid && k.status !== KeyStatus.Retired);
  }

  /** JWKS with the `issuer` property Entra's v2 keys carry (docs/entra-protocol.md#signing-keys-and-rollover). */
  /** The published keys, each with `issuer` when given (v2 key sets carry it; the v1 set does not). */
  jwks(issuer?: string): { keys: Record<string, unknown>[] } {
    return {
      keys: this.keys
        .filter((k) => k.status !== KeyStatus.Retired)
        .map((k) => (issuer === undefined ? { ...k.jwk } : { ...k.jwk, issuer })),
    };
  }

  list(): { kid: string; status: KeyStatus }[] {
    return this.keys.map(({ kid, status }) => ({ kid, status }));
  }

  /** Adds a published key (in the JWKS, not yet signing) — what Entra does ahead of a rollover. */
  async add(): Promise<string> {
    const key = await generateKey(KeyStatus.Published);
    await this.save([...this.stored, key]);
    return key.kid;
  }

  /** Makes `kid` the signing key; the previous signing key stays published. */
  async activate(kid: string): Promise<void> {
    this.require(kid, [KeyStatus.Published, KeyStatus.Active]);
    await this.save(
      this.stored.map((k) => ({
        ...k,
        status:
          k.kid === kid ? KeyStatus.Active : k.status === KeyStatus.Active ? KeyStatus.Published : k.status,
      })),
    );
  }

  /** Removes `kid` from the JWKS; tokens it signed stop verifying. The signing key cannot be retired. */
  async retire(kid: string): Promise<void> {
    this.require(kid, [KeyStatus.Published]);
    await this.save(this.stored.map((k) => (k.kid === kid ? { ...k, status: KeyStatus.Retired } : k)));
  }

  private require(kid: string, allowed: readonly KeyStatus[]): void {
    const key = this.stored.find((k) => k.kid === kid);
    if (key === undefined) throw new KeyRotationError(`unknown kid ${kid}`);
    if (!allowed.includes(key.status)) throw new KeyRotationError(`key ${kid} is ${key.status}`);
  }

  private async save(next: StoredKey[]): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ keys: next }, null, 2));
    this.stored = next;
    this.keys = next.map(toSigningKey);
  }
}

async function generateKey(status: KeyStatus): Promise<StoredKey> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'accounts.identity-emulator.local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 86_400_000),
    notAfterDate: new Date(now + 5 * 365 * 86_400_000),
  });
  const der = new X509Certificate(pems.cert).raw;
  // Entra's v2 keys use the certificate's SHA-1 thumbprint (base64url) as both `kid` and `x5t`.
  const kid = createHash('sha1').update(der).digest('base64url');
  return {
    kid,
    status,
    createdAt: new Date(now).toISOString(),
    certPem: pems.cert,
    privateKeyPem: pems.private,
  };
}

function toSigningKey(stored: StoredKey): SigningKey {
  const privateKey = createPrivateKey(stored.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  const x5c = new X509Certificate(stored.certPem).raw.toString('base64');
  const jwk = { kty: 'RSA', use: 'sig', kid: stored.kid, x5t: stored.kid, n, e, x5c: [x5c] };
  return { kid: stored.kid, status: stored.status, privateKey, publicKey, jwk };
}
