import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the browser suites write screenshots (uploaded as CI artefacts). */
export const SCREENSHOT_DIR = join(__dirname, '../../../test-artifacts/browser');

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
