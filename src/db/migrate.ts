import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import type { Db } from './knex.js';

/** Migrations by name; `config.transaction: false` runs one outside a transaction (knex). */
export type MigrationList = Record<string, Knex.Migration & { config?: { transaction?: boolean } }>;

/** Migrations are compiled in (no directory scan) so the same list runs from src and dist. */
function sourceOf(list: MigrationList): Knex.MigrationSource<string> {
  return {
    getMigrations: () => Promise.resolve(Object.keys(list)),
    getMigrationName: (name) => name,
    getMigration: (name) => Promise.resolve(list[name]!),
  };
}

/** One key for every SoundHub migrator (the job locks use the two-key form: no overlap). */
const MIGRATION_LOCK = "hashtextextended('soundhub:migrations', 0)";

/**
 * A backend whose client died (kill -9, lost instance) notices within a second even while it
 * waits on a lock, and rolls back, instead of waking up later and carrying on (PostgreSQL 14+;
 * older servers refuse the setting and keep their default).
 */
async function checkClientEverySecond(run: (sql: string) => Promise<unknown>): Promise<void> {
  await run("set client_connection_check_interval = '1s'").catch(() => undefined);
}

/**
 * Takes the migrators' session advisory lock, waiting for whoever holds it. It polls with
 * pg_try_advisory_lock rather than blocking in pg_advisory_lock: a query blocked there holds a
 * snapshot, and CREATE INDEX CONCURRENTLY in the running migrator waits for every older
 * snapshot in the database, so the two would wait for each other for ever (PostgreSQL sees no
 * deadlock: the lock is held by the runner's other connection).
 */
async function waitForLock(lock: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await lock.query<{ locked: boolean }>(`select pg_try_advisory_lock(${MIGRATION_LOCK}) as locked`);
    if (rows[0]!.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Applies pending migrations, safe to start on every instance at once and to kill at any time.
 *
 * - A session advisory lock on its own connection lets one migrator run at a time: the others
 *   wait for it (waitForLock), then find nothing to do. Unlike knex's lock row, it dies with its session,
 *   so a killed migrator never leaves the next one locked out ("Migration table is already
 *   locked"), and creating knex's own tables on an empty database is not a race.
 * - Migrations run one by one (`migrate.up`). An ordinary migration runs in one transaction
 *   with its knex_migrations row and knex's lock row: killed half-way, nothing of it stays.
 * - A migration marked `config = { transaction: false }` (CREATE INDEX CONCURRENTLY, which
 *   cannot run in a transaction) runs outside one, still under the advisory lock. If it is
 *   killed, knex's lock row stays set; holding the advisory lock we know no migrator runs, so
 *   it is cleared before starting. Such a migration must be safe to run again (see
 *   migrations/lib/concurrent-index.ts): it may have finished without being recorded.
 */
export async function migrateLatest(db: Db, list: MigrationList = migrations): Promise<string[]> {
  const connection = db.client.config.connection as Knex.PgConnectionConfig;
  const lock = new pg.Client(connection as pg.ClientConfig);
  lock.on('error', () => undefined); // the server going away ends the run through its queries
  await lock.connect();
  const runner = knex({
    client: 'pg',
    connection,
    pool: {
      min: 0,
      max: 2,
      afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => {
        void checkClientEverySecond((sql) => conn.query(sql)).then(() => done(null, conn));
      },
    },
  });
  try {
    await checkClientEverySecond((sql) => lock.query(sql));
    await waitForLock(lock);
    const config = { migrationSource: sourceOf(list) };
    await runner.migrate.forceFreeMigrationsLock(config);
    const applied: string[] = [];
    for (;;) {
      const [, names] = (await runner.migrate.up(config)) as [number, string[]];
      if (!names.length) return applied;
      applied.push(...names);
    }
  } finally {
    await runner.destroy();
    // Ending the session releases the advisory lock.
    await lock.end().catch(() => undefined);
  }
}
