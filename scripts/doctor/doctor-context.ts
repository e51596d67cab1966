import type { ChainUnderTest } from './chain-under-test';
import { type Fetched, httpGet, type Trust } from './https-probe';

/** What every check reads: the chain, and GETs shared between checks (one request per URL and trust). */
export class DoctorContext {
  private readonly cache = new Map<string, Promise<Fetched>>();

  /**
   * @param chain the configuration under test.
   * @param localCaFile the local emulator's CA (`<data dir>/ca.pem`), named in fixes when the chain is local.
   */
  constructor(
    readonly chain: ChainUnderTest,
    readonly localCaFile?: string,
  ) {}

  /** GET `url` as an app with `trust` would; cached. */
  get(url: string, trust: Trust): Promise<Fetched> {
    const key = `${trust.caFile ?? ''}|${url}`;
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = httpGet(url, trust);
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** The env variable that makes Node trust the local emulator, for fixes. */
  caFix(): string {
    return this.localCaFile === undefined
      ? 'NODE_EXTRA_CA_CERTS=<the PEM file of the CA that signed the authority certificate>'
      : `NODE_EXTRA_CA_CERTS=${this.localCaFile}`;
  }
}
