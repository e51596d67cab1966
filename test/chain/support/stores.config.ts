/** The PostgreSQL server CI provides (DATABASE_URL), else the local default. */
export const POSTGRES_URL = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis as CI provides it (REDIS_URL), else the local default. */
export const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
