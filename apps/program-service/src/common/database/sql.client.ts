/** A row as the driver returns it; repositories map rows to their own types. */
export type SqlRow = Record<string, unknown>;

/** Runs parameterised SQL (`$1`, `$2`, …); the same text works on PostgreSQL and PGlite. */
export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The database port of program-service: one implementation over `pg` (DATABASE_URL) and one over
 * PGlite (embedded, in memory). Repositories depend on this class, never on a driver.
 */
export abstract class SqlClient implements SqlExecutor {
  /** Which engine answers; for logs and health details only, never for branching SQL. */
  abstract readonly engine: 'postgres' | 'pglite';
  abstract query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  abstract exec(script: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}
