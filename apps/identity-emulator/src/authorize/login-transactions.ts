import type { UserRegistration } from '@chain/local-tenant';

import { ExpiringStore } from '../grants/grant-stores';

export const ResponseMode = { Query: 'query', Fragment: 'fragment', FormPost: 'form_post' } as const;
export type ResponseMode = (typeof ResponseMode)[keyof typeof ResponseMode];

/** A validated authorize request. */
export interface AuthorizeParams {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly scope: string;
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly claims?: string;
  readonly loginHint?: string;
  readonly clientInfo: boolean;
}

/** A sign-in in progress between the form steps. */
export interface LoginTransaction {
  readonly tid: string;
  /** B2C: the user flow of the path the sign-in started on (it must finish there). */
  readonly policy?: string;
  readonly params: AuthorizeParams;
  /** Set once the password was right and a second factor is still needed. */
  readonly user?: UserRegistration;
  /** A device login: the device code this sign-in approves (no redirect at the end). */
  readonly deviceCode?: string;
  readonly expiresAtMs: number;
}

/** Sign-ins in progress, keyed by the opaque `tx` form field (15 minutes to finish). */
export class LoginTransactions extends ExpiringStore<LoginTransaction> {}

export const LOGIN_TRANSACTION_LIFETIME_MS = 15 * 60_000;
