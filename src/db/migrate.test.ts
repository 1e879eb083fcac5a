import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { eventually } from '../../test/context.js';
import { BLOCKER_KEY, blockingConcurrent, blockingTransactional, withConcurrentIndex } from '../../test/migrations/lists.js';
import { createDb, type Db } from './knex.js';
import { migrateLatest, type MigrationList } from './migrate.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const created: string[] = [];

/** An empty database of its own (not the migrated template): what a first deploy meets. */
async function emptyDatabase(): Promise<string> {
  const name = `migrate_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(`${inject('pgAdminUrl')}/postgres`);
  await admin.connect();
  await admin.query(`create database "${name}" template template0`).finally(() => admin.end());
  created.push(name);
  return `${inject('pgAdminUrl')}/${name}`;
}

afterAll(async () => {
  const admin = new pg.Client(`${inject('pgAdminUrl')}/postgres`);
  await admin.connect();
  for (const name of created) await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

/** Tables, columns, indexes (with validity) and constraints of the public schema. */
async function schemaOf(db: Db): Promise<unknown> {
  const columns = await db.raw(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
    where table_schema = 'public' order by 1, 2`);
  const indexes = await db.raw(`select c.relname, pg_get_indexdef(i.indexrelid) as def, i.indisvalid from pg_index i
    join pg_class c on c.oid = i.indexrelid where c.relnamespace = 'public'::regnamespace order by 1`);
  const constraints = await db.raw(`select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where connamespace = 'public'::regnamespace order by 1`);
  const data = await db.raw(`select (select count(*) from genres) as genres, (select count(*) from instruments) as instruments`).catch(() => ({ rows: [] }));
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows, data: data.rows };
}

async function recorded(db: Db): Promise<string[]> {
  return (await db('knex_migrations').select('name').orderBy('id')).map((r: { name: string }) => r.name);
}

/** Nobody holds the migrators' advisory lock (the same key src/db/migrate.ts takes). */
async function migrationLockIsFree(db: Db): Promise<boolean> {
  const { rows } = await db.raw(`select count(*)::int as n from pg_locks
    where locktype = 'advisory' and objsubid = 1 and database = (select oid from pg_database where datname = current_database()) and ((classid::bigint << 32) | objid::bigint) = hashtextextended('soundhub:migrations', 0)`);
  return rows[0].n === 0;
}

/** Starts a migrator process on `list` and resolves once one of its queries waits on a lock. */
async function startBlockedMigrator(url: string, list: string, db: Db) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/migrations/child.ts'), url, list], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const dbName = new URL(url).pathname.slice(1);
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`migrator exited early: ${output}`);
      const { rows } = await db.raw(`select count(*)::int as n from pg_stat_activity where datname = ? and wait_event_type = 'Lock'`, [dbName]);
      return rows[0].n > 0;
    },
    { timeoutMs: 30_000, what: 'the migrator to block' },
  );
  return { child, exited, dbName };
}

/** Waits until only this test's own sessions remain on the database. */
async function migratorSessionsGone(db: Db, dbName: string, ours: number): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await db.raw('select count(*)::int as n from pg_stat_activity where datname = ?', [dbName]);
      return rows[0].n <= ours;
    },
    { timeoutMs: 15_000, what: "the killed migrator's sessions to end" },
  );
}

describe('migrations', () => {
  const lists: Array<[string, MigrationList]> = [
    ['ordinary migrations', migrations],
    ['a migration without a transaction (CREATE INDEX CONCURRENTLY)', withConcurrentIndex],
  ];

  it.each(lists)('four migrators started at once on an empty database all succeed, and apply the schema once: %s', async (_name, list) => {
    // What one migrator alone makes.
    const reference = createDb({ url: await emptyDatabase() });
    const url = await emptyDatabase();
    const dbs = Array.from({ length: 4 }, () => createDb({ url, poolMax: 2 }));
    try {
      await migrateLatest(reference, list);
      const results = await Promise.all(dbs.map((db) => migrateLatest(db, list)));

      expect(results.flat().sort()).toEqual(Object.keys(list).sort());
      expect(await recorded(dbs[0]!)).toEqual(Object.keys(list));
      expect(await schemaOf(dbs[0]!)).toEqual(await schemaOf(reference));
      expect((await dbs[0]!('knex_migrations_lock').select('is_locked')).map((r: { is_locked: number }) => r.is_locked)).toEqual([0]);
      expect(await migrationLockIsFree(dbs[0]!)).toBe(true);
    } finally {
      await Promise.all([reference, ...dbs].map((db) => db.destroy()));
    }
  });

  it('a migrator killed while blocked inside a migration leaves nothing of it behind, and the next run succeeds', async () => {
    const url = await emptyDatabase();
    const db = createDb({ url, poolMax: 1 });
    const blocker = new pg.Client(url);
    await blocker.connect();
    try {
      await blocker.query('select pg_advisory_lock($1)', [BLOCKER_KEY]);
      const { child, exited, dbName } = await startBlockedMigrator(url, 'blockingTransactional', db);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Still holding the blocker: the killed migrator's waiting query is gone all the same.
      await migratorSessionsGone(db, dbName, 2);

      expect(await recorded(db)).toEqual(['29990101000000_probe_table']);
      expect(await db.schema.hasTable('probe_created')).toBe(true); // the finished migration stays
      expect(await db.schema.hasTable('probe_half')).toBe(false); // the cut-off one left nothing
      expect((await db('knex_migrations_lock').select('is_locked'))[0].is_locked).toBe(0);
      expect(await migrationLockIsFree(db)).toBe(true);

      await blocker.query('select pg_advisory_unlock($1)', [BLOCKER_KEY]);
      expect(await migrateLatest(db, blockingTransactional)).toEqual(['29990101000100_probe_blocked']);
      expect(await db.schema.hasTable('probe_half')).toBe(true);
    } finally {
      await blocker.end();
      await db.destroy();
    }
  });

  it('a migrator killed while blocked in CREATE INDEX CONCURRENTLY leaves no lock and no usable half index; the next run builds it', async () => {
    const url = await emptyDatabase();
    const db = createDb({ url, poolMax: 1 });
    await db.raw('create table probe_target (x integer)');
    const writer = new pg.Client(url);
    await writer.connect();
    try {
      // An open transaction that wrote to the table: the concurrent build waits for it mid-way.
      await writer.query('begin');
      await writer.query('insert into probe_target (x) values (1)');
      const { child, exited, dbName } = await startBlockedMigrator(url, 'blockingConcurrent', db);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await migratorSessionsGone(db, dbName, 2);

      expect(await recorded(db)).toEqual(['29990101000000_probe_table']);
      expect(await migrationLockIsFree(db)).toBe(true);
      // PostgreSQL keeps the cut-off build as an INVALID index, which no query uses.
      const half = await db.raw(`select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'probe_target_x_idx'`);
      expect(half.rows.every((r: { indisvalid: boolean }) => !r.indisvalid)).toBe(true);

      await writer.query('commit');
      expect(await migrateLatest(db, blockingConcurrent)).toEqual(['29990101000100_probe_concurrent_index']);
      const built = await db.raw(`select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'probe_target_x_idx'`);
      expect(built.rows).toEqual([{ indisvalid: true }]);
      expect((await db('knex_migrations_lock').select('is_locked'))[0].is_locked).toBe(0);
    } finally {
      await writer.end();
      await db.destroy();
    }
  });
});
