import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;

/**
 * AES-256-GCM for answers kept in Redis (they hold users' data), with the Redis key as additional
 * authenticated data so that a value copied under another key does not open. Same key as the token cache
 * (`TOKEN_CACHE_ENCRYPTION_KEY`, 32 bytes).
 */
export class AnswerCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new RangeError('the answer encryption key must be 32 bytes (base64)');
  }

  /** `<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
  }

  /** The plaintext, or `undefined` when the value is malformed, tampered with or bound to another key. */
  open(sealed: string, aad: string): string | undefined {
    const [iv, tag, body] = sealed.split('.');
    if (!iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad)).setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}
