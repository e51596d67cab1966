import { inspect } from 'node:util';

/**
 * Tokens of a signed-in user. The raw tokens are readable for sending them, but never printed:
 * `toJSON()` (used by Jest when a test fails) and `util.inspect` show only the scope and decoded claims.
 */
export class SignedIn {
  constructor(
    readonly accessToken: string,
    readonly idToken: string | undefined,
    readonly refreshToken: string | undefined,
    readonly expiresIn: number,
    readonly scope: string,
    /** Decoded (unverified) access-token claims, for assertions. */
    readonly claims: Readonly<Record<string, unknown>>,
  ) {
    for (const key of ['accessToken', 'idToken', 'refreshToken'] as const) {
      Object.defineProperty(this, key, { enumerable: false });
    }
  }

  /** `Authorization` header for a call to the BFF. */
  authorization(): { authorization: string } {
    return { authorization: `Bearer ${this.accessToken}` };
  }

  toJSON(): Record<string, unknown> {
    return { scope: this.scope, expiresIn: this.expiresIn, claims: this.claims };
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}
