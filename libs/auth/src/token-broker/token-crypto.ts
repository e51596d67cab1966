import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

import { TokenBrokerConfigError } from './downstream-declarations.schema';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Base64url SHA-256 of a string: the only form in which an assertion appears in cache keys. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * AES-256-GCM sealing of L2 cache values. The Redis key is bound as additional authenticated data, so a
 * value copied under another key (another user's) fails to open instead of being served.
 */
export class TokenCipher {
  private readonly key: Buffer;

  /** @param base64Key - 32 random bytes, base64 (`openssl rand -base64 32`). */
  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) {
      throw new TokenBrokerConfigError([
        `cache.encryptionKey (TOKEN_CACHE_ENCRYPTION_KEY) must be 32 bytes in base64 (got ${key.length} bytes); generate one with "openssl rand -base64 32"`,
      ]);
    }
    this.key = key;
  }

  /** Encrypts `plaintext` bound to `aad`: `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Decrypts a sealed value; `undefined` when it is malformed, tampered with or bound to another key. */
  open(sealed: string, aad: string): string | undefined {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      const tagBytes = Buffer.from(tag, 'base64url');
      if (tagBytes.length !== TAG_BYTES) return undefined;
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}
