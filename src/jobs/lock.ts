import type { Db } from '../db/knex.js';

export class Busy extends Error {}

/**
 * Runs `work` holding a PostgreSQL advisory lock on one connection. If the job was retried
 * while its first run is still going (a slow run outlived its expiry), the second run finds
 * the lock taken and backs off. A killed worker's connection closes, which frees the lock.
 */
export async function withJobLock<T>(db: Db, scope: string, key: string, work: () => Promise<T>): Promise<T> {
  const conn = await db.client.acquireConnection();
  try {
    const { rows } = await conn.query('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked', [scope, key]);
    if (!rows[0].locked) throw new Busy(`${scope} ${key} is being worked on by another run`);
    try {
      return await work();
    } finally {
      await conn.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [scope, key]);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
}

/**
 * Active jobs of `queues` started over `minAgeSeconds` ago whose lock nobody holds: their
 * worker died (a killed process's connection closes, which frees its lock). Without this
 * they would wait for their expiry (JOB_EXPIRE_SECONDS) before pg-boss retried them. The
 * age covers a handler that has fetched its job but not yet taken the lock.
 */
export async function listJobsWithoutLock(db: Db, queues: readonly string[], minAgeSeconds: number): Promise<Array<{ id: string; name: string }>> {
  const { rows } = await db.raw(
    `select j.id, j.name from pgboss.job j
      where j.state = 'active' and j.name = any(?) and j.started_on < now() - make_interval(secs => ?)
        and not exists (
          select 1 from pg_locks l
           where l.locktype = 'advisory' and l.granted and l.objsubid = 2
             and l.database = (select oid from pg_database where datname = current_database())
             and l.classid = hashtext(j.name)::oid and l.objid = hashtext(j.singleton_key)::oid)`,
    [[...queues], minAgeSeconds],
  );
  return rows as Array<{ id: string; name: string }>;
}
