import { TokenBrokerConfigError } from './downstream-declarations.schema';
import { sha256, TokenCipher } from './token-crypto';

const key = Buffer.alloc(32, 1).toString('base64');

describe('TokenCipher', () => {
  it('opens what it sealed under the same key name', () => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.seal('eyJ.secret.token', 'k1');
    expect(sealed).not.toContain('eyJ');
    expect(cipher.open(sealed, 'k1')).toBe('eyJ.secret.token');
  });

  it('refuses a value moved under another key name', () => {
    const cipher = new TokenCipher(key);
    expect(cipher.open(cipher.seal('token', 'alice'), 'bob')).toBeUndefined();
  });

  it('refuses tampered, truncated and foreign-key values', () => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.seal('token', 'k');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(
      cipher.open([parts[0], parts[1], parts[2], flipped.toString('base64url')].join('.'), 'k'),
    ).toBeUndefined();
    expect(cipher.open('v1.abc', 'k')).toBeUndefined();
    expect(new TokenCipher(Buffer.alloc(32, 2).toString('base64')).open(sealed, 'k')).toBeUndefined();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new TokenCipher(Buffer.alloc(16).toString('base64'))).toThrow(TokenBrokerConfigError);
  });

  it('hashes deterministically without revealing the input', () => {
    expect(sha256('abc')).toBe(sha256('abc'));
    expect(sha256('abc')).not.toContain('abc');
  });
});
