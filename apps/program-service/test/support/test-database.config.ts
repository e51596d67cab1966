import { spawnSync } from 'node:child_process';

/** PostgreSQL for the repository tests: DATABASE_URL when set (CI), else the local default. */
export const TEST_DATABASE_URL = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

const PROBE = `
const { Client } = require('pg');
const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
client.connect().then(() => client.query('SELECT 1')).then(() => client.end()).then(() => process.exit(0), () => process.exit(1));
`;

/**
 * Whether PostgreSQL answers at {@link TEST_DATABASE_URL}. Synchronous (a short child process) so that a
 * suite can choose `describe` or `describe.skip` while Jest collects tests.
 */
export function postgresAnswers(): boolean {
  const result = spawnSync(process.execPath, ['-e', PROBE], {
    env: { ...process.env, PROBE_URL: TEST_DATABASE_URL },
    timeout: 10_000,
    stdio: 'ignore',
  });
  return result.status === 0;
}

/** A PostgreSQL URL with the password (if any) masked, for the one "skipped" line. */
export function printableUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
