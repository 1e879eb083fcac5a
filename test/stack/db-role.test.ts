// scripts/create-db-role.sql, run with psql as the README's Deploy section says, against a
// fresh database of the test PostgreSQL: the role it creates can run every migration and
// start the job queue, and can do nothing else (nothing in `public`, no databases, no roles). Its password holds URL-special characters, so DATABASE_URL must carry it
// percent-encoded, as the README shows.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startQueue } from '../../src/jobs/queue.js';
import { REPO } from './harness.js';

const psql = spawnSync('psql', ['--version']);
const SCRIPT = path.join(REPO, 'scripts', 'create-db-role.sql');
const suffix = randomBytes(4).toString('hex');
const database = `roletest_${suffix}`;
const role = `soundhub_app_${suffix}`;
const password = `p@ss:w/rd?#%+ ${suffix}`;

let adminUrl = '';
const appUrl = () => {
  const u = new URL(`${adminUrl}/${database}`);
  return `postgres://${role}:${encodeURIComponent(password)}@${u.host}/${database}`;
};
function runScript(vars: Record<string, string>) {
  const args = Object.entries(vars).flatMap(([k, v]) => ['-v', `${k}=${v}`]);
  return spawnSync('psql', [`${adminUrl}/${database}`, '-X', '-q', ...args, '-f', SCRIPT], { encoding: 'utf8' });
}
async function asAdmin<T>(db: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${adminUrl}/${db}` });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

describe.skipIf(psql.error !== undefined)('scripts/create-db-role.sql', () => {
  beforeAll(async () => {
    adminUrl = inject('pgAdminUrl');
    await asAdmin('postgres', (c) => c.query(`create database "${database}"`));
  });
  afterAll(async () => {
    if (!adminUrl) return;
    await asAdmin('postgres', async (c) => {
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.query(`drop role if exists "${role}"`);
    });
  });

  test('refuses to run without the role name or the password, and changes nothing', async () => {
    const noPassword = runScript({ app_role: role });
    expect(noPassword.status).not.toBe(0);
    expect(noPassword.stdout + noPassword.stderr).toMatch(/-v app_password=/);
    const noRole = runScript({ app_password: password });
    expect(noRole.status).not.toBe(0);
    expect(noRole.stdout + noRole.stderr).toMatch(/-v app_role=/);
    const roles = await asAdmin('postgres', (c) => c.query('select 1 from pg_roles where rolname = $1', [role]));
    expect(roles.rowCount).toBe(0);
  });

  test('the role it creates migrates the schema, starts the job queue, and may do nothing else', async () => {
    const run = runScript({ app_role: role, app_password: password });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`created role ${role}`));

    // The app's own start: migrations, then pg-boss, through the percent-encoded URL.
    const db = createDb({ url: appUrl() });
    try {
      const applied = await migrateLatest(db);
      expect(applied.length).toBeGreaterThan(0);
      const where = await db.raw<{ rows: Array<{ table_schema: string; table_name: string }> }>(
        "select table_schema, table_name from information_schema.tables where table_name in ('knex_migrations', 'users', 'session') order by table_name",
      );
      expect(where.rows.map((r) => r.table_schema)).toEqual(where.rows.map(() => 'soundhub'));
      expect(where.rows.map((r) => r.table_name)).toContain('knex_migrations');
      expect(where.rows.map((r) => r.table_name)).toContain('users');

      const { jobs, mail, database: dbConfig } = loadConfig({ DATABASE_URL: appUrl() });
      const queue = await startQueue({ jobs, mail, database: { ...dbConfig, url: appUrl() } }, { supervise: false, log: console });
      await queue.stop();

      const owners = await db.raw<{ rows: Array<{ nspname: string; owner: string }> }>(
        "select nspname, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname in ('soundhub', 'pgboss') order by nspname",
      );
      expect(owners.rows).toEqual([
        { nspname: 'pgboss', owner: role },
        { nspname: 'soundhub', owner: role },
      ]);

      // Nothing outside this database and its own schemas.
      await expect(db.raw('create table public.intruder (id int)')).rejects.toThrow(/permission denied/);
      await expect(db.raw(`create database "${database}_2"`)).rejects.toThrow(/permission denied/);
      await expect(db.raw(`create role "${role}_2"`)).rejects.toThrow(/permission denied/);
      const attrs = await db.raw<{ rows: Array<Record<string, boolean>> }>(
        'select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls from pg_roles where rolname = current_user',
      );
      expect(Object.values(attrs.rows[0]!)).toEqual([false, false, false, false, false]);
    } finally {
      await db.destroy();
    }

    // Run twice, it stops at the first statement and leaves what exists as it was.
    const again = runScript({ app_role: role, app_password: password });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
  });
});
