import { spawnSync } from 'node:child_process';

const PROBE = `
const Redis = require('ioredis');
const probe = new Redis(process.env.PROBE_REDIS, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
probe.on('error', () => undefined);
probe.connect().then(() => probe.ping()).then((pong) => process.exit(pong === 'PONG' ? 0 : 1), () => process.exit(1));
`;

/**
 * Whether a suite that needs Redis at `url` runs: decided while Jest collects it (a short child process),
 * so that it can choose `describe` or `describe.skip`. Where Redis is promised (`REDIS_URL` set, as in CI)
 * its absence is a failure, not a skip; elsewhere the skip is said in one line naming `what` is skipped.
 */
export function redisForSuite(url: string, what: string): boolean {
  const up =
    spawnSync(process.execPath, ['-e', PROBE], {
      env: { ...process.env, PROBE_REDIS: url },
      stdio: 'ignore',
      timeout: 10_000,
    }).status === 0;
  if (!up && process.env['REDIS_URL'])
    throw new Error(`REDIS_URL is set but Redis does not answer at ${url}`);
  if (!up) process.stdout.write(`Redis does not answer at ${url}: skipping ${what}\n`);
  return up;
}
