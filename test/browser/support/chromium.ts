import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), as installed by .ci/run. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags that work in containers and on machines without network (docs/web.md "Tests"). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate: the pin Chromium's
 * `--ignore-certificate-errors-spki-list` takes. It trusts exactly that key (the emulator's server key),
 * unlike `--ignore-certificate-errors`, which would accept any certificate.
 */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile; `trustedSpki` pins the local token service's key. */
export async function launchChromium(options: { trustedSpki?: readonly string[] } = {}): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'chain-chromium-'));
  const args = [...CHROMIUM_FLAGS];
  if (options.trustedSpki !== undefined && options.trustedSpki.length > 0) {
    args.push(`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(',')}`);
  }
  // launchPersistentContext is how playwright takes a --user-data-dir (a fresh one per run).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
