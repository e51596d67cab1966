import { Pool, type PoolClient } from 'pg';

import { SqlClient, type SqlExecutor, type SqlRow } from './sql.client';

export interface PgSqlClientOptions {
  /** `postgres://…` connection string. */
  readonly connectionString: string;
  /** Schema to work in (`search_path`); tests use a throw-away schema. Default: the server's. */
  readonly schema?: string;
  /** Pool size. Default 10. */
  readonly maxConnections?: number;
  /** Milliseconds to wait for a connection before failing. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Server-side statement timeout in milliseconds. Default 10000. */
  readonly statementTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** {@link SqlClient} over a `pg` connection pool. */
export class PgSqlClient extends SqlClient {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;

  constructor(options: PgSqlClientOptions) {
    super();
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`invalid schema name ${options.schema}`);
    }
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pool.query<R>(sql, [...params]);
    return result.rows;
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(executorOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function executorOf(client: PoolClient): SqlExecutor {
  return {
    query: async <R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) =>
      (await client.query<R>(sql, [...params])).rows,
    exec: async (script: string) => {
      await client.query(script);
    },
  };
}
