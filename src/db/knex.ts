import { readFileSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import pg from 'pg';

export type Db = Knex;

// bigint counts and ids come back as strings by default; ours fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface DbOptions {
  url: string;
  /** PEM CA for TLS to the database (the RDS bundle); TLS is required when given. */
  caFile?: string | undefined;
  poolMax?: number;
  /** Where knex's own warnings go (a lost connection), as JSON log lines; default: console. */
  log?: { warn(msg: string): void; error(msg: string): void; debug(msg: string): void } | undefined;
}

/** TLS to the database, verified against the given CA (the RDS bundle); none without one. */
export function databaseTls(caFile: string | undefined): { ssl?: { ca: string; rejectUnauthorized: true } } {
  return caFile ? { ssl: { ca: readFileSync(caFile, 'utf8'), rejectUnauthorized: true } } : {};
}

function connection({ url, caFile }: DbOptions): Knex.PgConnectionConfig & pg.PoolConfig {
  return { connectionString: url, ...databaseTls(caFile) };
}

export function createDb(options: DbOptions): Db {
  return knex({
    client: 'pg',
    connection: connection(options),
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: 10_000,
    ...(options.log ? { log: { warn: (m: string) => options.log!.warn(m), error: (m: string) => options.log!.error(m), debug: (m: string) => options.log!.debug(m), deprecate: (m: string) => options.log!.warn(m) } } : {}),
  });
}

/** A plain pg pool for libraries that want one (the session store). */
export function createPgPool(options: DbOptions, max = 3): pg.Pool {
  const pool = new pg.Pool({ ...(connection(options) as pg.PoolConfig), max });
  // An idle client losing its server (failover, restart) must not crash the process;
  // the pool replaces it on next use.
  pool.on('error', () => undefined);
  return pool;
}
