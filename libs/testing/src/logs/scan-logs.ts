import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { Registrations } from '@chain/local-tenant';

/** A leak found in a log: where, and what kind — never the leaked value itself. */
export interface LogLeak {
  readonly file: string;
  readonly line: number;
  readonly kind: 'jwt' | 'client-secret';
}

/** A compact JWS (`header.payload.signature`) whose header starts like every JSON object: `{"` → `eyJ`. */
export const JWT_PATTERN = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** Every client secret of the registrations file (what must never reach a log). */
export function registeredSecrets(registrations: Registrations): string[] {
  return registrations.applications.flatMap((a) => a.secrets.map((s) => s.value));
}

/**
 * Scans every file under `dir` (recursively) for a JWT or one of `secrets`. Returns the places found,
 * without the values, so the failure message itself leaks nothing.
 */
export function scanLogsForLeaks(dir: string, secrets: readonly string[]): LogLeak[] {
  const leaks: LogLeak[] = [];
  for (const file of filesUnder(dir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      const where = { file: relative(dir, file), line: index + 1 };
      if (JWT_PATTERN.test(text)) leaks.push({ ...where, kind: 'jwt' });
      if (secrets.some((s) => text.includes(s))) leaks.push({ ...where, kind: 'client-secret' });
    });
  }
  return leaks;
}

/** The files under `dir`, recursively; none when it does not exist. */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
