/** One schema change, applied once, in order, inside the migration transaction. */
export interface Migration {
  /** Stable, sortable id; never renamed once released. */
  readonly id: string;
  readonly sql: string;
}

/**
 * The schema of program-service. The same SQL runs on PostgreSQL and PGlite; append new migrations,
 * never edit a released one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_members',
    sql: `
      CREATE TABLE members (
        tid text NOT NULL,
        oid text NOT NULL,
        brokerage text,
        role text NOT NULL CHECK (role IN ('broker', 'underwriter')),
        display_name text,
        PRIMARY KEY (tid, oid),
        CHECK (role <> 'broker' OR brokerage IS NOT NULL)
      );`,
  },
  {
    id: '0002_programmes',
    sql: `
      CREATE TABLE programmes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tid text NOT NULL,
        name text NOT NULL,
        brokerage text NOT NULL,
        owner_oid text NOT NULL,
        line_of_business text NOT NULL CHECK (line_of_business IN ('property', 'marine', 'casualty', 'cyber')),
        region text NOT NULL CHECK (region IN ('uk', 'eu', 'us', 'apac')),
        insured_value numeric(16, 2) NOT NULL CHECK (insured_value > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
        approved_by text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX programmes_by_brokerage ON programmes (tid, brokerage, created_at DESC);
      CREATE INDEX programmes_by_status ON programmes (tid, status, created_at DESC);`,
  },
];
