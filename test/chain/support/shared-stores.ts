import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';
import { Client } from 'pg';

import { POSTGRES_URL, REDIS_URL } from './stores.config';

/** The server's maintenance database, where databases are created and dropped (whatever DATABASE_URL names). */
function maintenanceUrl(): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = '/postgres';
  return url.href;
}
/** The Redis database the suite's BFFs use (not 0, where other suites and developers work). */
const REDIS_DB = 11;
/** The TokenBroker's default key prefix (libs/auth `keyPrefix`). */
export const TOKEN_KEY_PREFIX = 'entra-api-chain:tokens';

const PROBE = `
const { Client } = require('pg');
const Redis = require('ioredis');
const fail = (what) => (e) => { process.stderr.write(what + ': ' + String(e && e.message)); process.exit(1); };
const pg = new Client({ connectionString: process.env.PROBE_PG, connectionTimeoutMillis: 3000 });
const redis = new Redis(process.env.PROBE_REDIS, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
redis.on('error', () => undefined);
pg.connect().then(() => pg.query('SELECT 1')).then(() => pg.end()).catch(fail('PostgreSQL'))
  .then(() => redis.connect()).then(() => redis.ping()).then(() => redis.quit()).catch(fail('Redis'))
  .then(() => process.exit(0));
`;

/** A URL with its password masked, for the one "skipped" line. */
export function printable(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Whether PostgreSQL and Redis both answer. Synchronous (a short child process) so that a suite can choose
 * `describe` or `describe.skip` while Jest collects it.
 */
export function storesAnswer(): { readonly ok: boolean; readonly reason: string } {
  const result = spawnSync(process.execPath, ['-e', PROBE], {
    env: { ...process.env, PROBE_PG: maintenanceUrl(), PROBE_REDIS: REDIS_URL },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { ok: result.status === 0, reason: (result.stderr || 'no answer').trim().split('\n')[0] ?? '' };
}

/** A database of its own for one chain run, dropped afterwards. */
export class ThrowawayDatabase {
  readonly name = `chain_e2e_${randomBytes(6).toString('hex')}`;

  /** The URL program-service gets: the server of {@link POSTGRES_URL}, this database. */
  get url(): string {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${this.name}`;
    return url.href;
  }

  async create(): Promise<void> {
    await admin(`CREATE DATABASE ${this.name}`);
  }

  async drop(): Promise<void> {
    await admin(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }

  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The Redis database of the suite, cleared of token-cache entries of earlier runs (signed by other emulators). */
export class TokenCacheRedis {
  readonly url: string;
  private readonly redis: Redis;

  constructor() {
    const url = new URL(REDIS_URL);
    url.pathname = `/${REDIS_DB}`;
    this.url = url.href;
    this.redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async clear(): Promise<void> {
    const keys = await this.keys();
    if (keys.length > 0) await this.redis.del(...keys);
  }

  /** Every token-cache key (names and hashes only, by the broker's design). */
  async keys(): Promise<string[]> {
    if (this.redis.status === 'wait') await this.redis.connect();
    return this.redis.keys(`${TOKEN_KEY_PREFIX}:*`);
  }

  async values(keys: readonly string[]): Promise<string[]> {
    return (await this.redis.mget(...keys)).filter((v): v is string => v !== null);
  }

  async close(): Promise<void> {
    await this.clear();
    await this.redis.quit();
  }
}
