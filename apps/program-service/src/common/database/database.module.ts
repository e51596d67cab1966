import { type DynamicModule, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { DatabaseHealthIndicator } from './database.health-indicator';
import { runMigrations } from './migration-runner';
import { MIGRATIONS } from './migrations';
import { PgSqlClient } from './pg-sql.client';
import { PgliteSqlClient } from './pglite-sql.client';
import { SqlClient } from './sql.client';

export interface DatabaseModuleOptions {
  /** PostgreSQL connection string; absent → PGlite in memory. */
  readonly url?: string;
  /** Schema for PostgreSQL (`search_path`); tests pass a throw-away schema. */
  readonly schema?: string;
}

/** Opens the database chosen by the options: `pg` for a URL, PGlite otherwise. */
export async function openSqlClient(options: DatabaseModuleOptions): Promise<SqlClient> {
  if (options.url === undefined) return PgliteSqlClient.open();
  return new PgSqlClient({
    connectionString: options.url,
    ...(options.schema ? { schema: options.schema } : {}),
  });
}

/**
 * Provides the {@link SqlClient} to the whole app, applies the migrations at boot and closes the
 * connection on shutdown.
 */
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly sql: SqlClient) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TerminusModule],
      providers: [{ provide: SqlClient, useFactory: () => openSqlClient(options) }, DatabaseHealthIndicator],
      exports: [SqlClient, DatabaseHealthIndicator],
    };
  }

  async onModuleInit(): Promise<void> {
    await runMigrations(this.sql, MIGRATIONS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sql.close();
  }
}
