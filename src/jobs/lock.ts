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
