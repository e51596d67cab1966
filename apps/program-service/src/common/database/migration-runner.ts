import type { Migration } from './migrations';
import type { SqlClient, SqlExecutor } from './sql.client';

/** Arbitrary but fixed key of the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK_KEY = 7_310_001;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in id order, in one transaction
 * holding an advisory lock, so replicas starting together apply each migration exactly once.
 * Idempotent: a second run applies nothing.
 *
 * @returns the ids applied by this run.
 */
export async function runMigrations(client: SqlClient, migrations: readonly Migration[]): Promise<string[]> {
  assertOrdered(migrations);
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id),
    );
    const pending = migrations.filter((m) => !applied.has(m.id));
    for (const migration of pending) await apply(tx, migration);
    return pending.map((m) => m.id);
  });
}

async function apply(tx: SqlExecutor, migration: Migration): Promise<void> {
  await tx.exec(migration.sql);
  await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
}

function assertOrdered(migrations: readonly Migration[]): void {
  const ids = migrations.map((m) => m.id);
  const sorted = [...ids].sort();
  if (ids.some((id, i) => id !== sorted[i]) || new Set(ids).size !== ids.length) {
    throw new Error('migrations must have unique ids in ascending order');
  }
}
