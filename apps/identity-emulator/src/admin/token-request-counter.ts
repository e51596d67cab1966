/** Counts token-endpoint requests by `<grant>|<client_id>|<resource client id>` (benchmarks and tests read it). */
export class TokenRequestCounter {
  private total = 0;
  private byKey = new Map<string, number>();

  record(grant: string, clientId: string, resource: string): void {
    this.total += 1;
    const key = `${grant}|${clientId}|${resource}`;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
  }

  snapshot(): { total: number; byKey: Record<string, number> } {
    return { total: this.total, byKey: Object.fromEntries(this.byKey) };
  }

  reset(): void {
    this.total = 0;
    this.byKey = new Map();
  }
}
