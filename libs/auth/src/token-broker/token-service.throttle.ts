import { TokenServiceFailure } from './token-acquirer.port';

/**
 * The `Retry-After` of one authority, remembered until it passes (RFC 9110 §10.2.3): a 429 or 503 that
 * asks for a pause holds back every later request to that token service, not only the one that got it —
 * they fail fast with 503 and the time left, while cached tokens keep serving. A token answered by the
 * service ends the pause early. MSAL keeps such a record per request thumbprint; the broker clears MSAL's
 * cache after each call, so it keeps its own, per authority.
 */
export class TokenServiceThrottle {
  private untilMs = 0;

  constructor(
    private readonly now: () => number,
    /** Longest pause honoured, in seconds (a bogus `Retry-After` must not stop a service for a day). */
    private readonly maxSeconds: number,
  ) {}

  /** Notes the pause a failed attempt asked for, if any (a later, longer one extends it). */
  remember(error: unknown): void {
    if (!(error instanceof TokenServiceFailure) || !error.retryable) return;
    const seconds = error.details.retryAfterSeconds;
    if (seconds === undefined || seconds <= 0) return;
    this.untilMs = Math.max(this.untilMs, this.now() + Math.min(seconds, this.maxSeconds) * 1_000);
  }

  /** Seconds until the token service may be asked again (rounded up), or undefined when it may now. */
  remainingSeconds(): number | undefined {
    const left = this.untilMs - this.now();
    return left > 0 ? Math.ceil(left / 1_000) : undefined;
  }

  /** The token service answered: whatever it asked for before is over. */
  clear(): void {
    this.untilMs = 0;
  }
}
