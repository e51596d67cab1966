/**
 * One `Idempotency-Key` per user action (IETF httpapi idempotency-key draft, as the BFF honours it; see
 * docs/web.md): a new key when the user starts an action, the same key when they retry that action with the
 * same input after it failed (a timeout, a 5xx, a lost connection), so the chain performs the write once.
 * A changed input is a new action with a new key; a success retires the key.
 */
export class IdempotencyKeys {
  private readonly pending = new Map<string, { readonly input: string; readonly key: string }>();

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key for `action` (e.g. `create`, `upload:<programme id>`) with this `input` (its fingerprint). */
  keyFor(action: string, input: string): string {
    const kept = this.pending.get(action);
    if (kept !== undefined && kept.input === input) return kept.key;
    const key = this.newKey();
    this.pending.set(action, { input, key });
    return key;
  }

  /** The action succeeded, or failed in a way a retry with the same key cannot change: forget its key. */
  settle(action: string): void {
    this.pending.delete(action);
  }
}
