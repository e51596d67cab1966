import { PGlite, type Transaction } from '@electric-sql/pglite';

import { SqlClient, type SqlExecutor, type SqlRow } from './sql.client';

/**
 * {@link SqlClient} over PGlite: PostgreSQL compiled to WebAssembly, in this process. In memory by
 * default, so a restart starts empty; the embedded default for `npm start` and tests.
 */
export class PgliteSqlClient extends SqlClient {
  readonly engine = 'pglite' as const;

  private constructor(private readonly db: PGlite) {
    super();
  }

  /** Opens an in-memory database (or one persisted under `dataDir`). */
  static async open(dataDir?: string): Promise<PgliteSqlClient> {
    const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
    return new PgliteSqlClient(db);
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, [...params])).rows;
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(executorOf(tx)));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

function executorOf(tx: Transaction): SqlExecutor {
  return {
    query: async <R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) =>
      (await tx.query<R>(sql, [...params])).rows,
    exec: async (script: string) => {
      await tx.exec(script);
    },
  };
}
