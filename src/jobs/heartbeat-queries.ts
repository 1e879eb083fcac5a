import type { Db } from '../db/knex.js';

export interface HeartbeatRow {
  id: string;
  host: string;
  pid: number;
  started_at: Date;
  beat_at: Date;
}

const columns = ['id', 'host', 'pid', 'started_at', 'beat_at'] as const;

/** Writes (or refreshes) a worker's row with the database's clock. */
export async function beat(db: Db, worker: { id: string; host: string; pid: number }): Promise<void> {
  await db('worker_heartbeats')
    .insert({ id: worker.id, host: worker.host, pid: worker.pid, beat_at: db.fn.now() })
    .onConflict('id')
    .merge(['beat_at']);
}

export async function deleteHeartbeat(db: Db, id: string): Promise<void> {
  await db('worker_heartbeats').where({ id }).del();
}

/** Rows of workers gone for more than a day: nobody needs them. */
export async function deleteOldHeartbeats(db: Db): Promise<void> {
  await db('worker_heartbeats').where('beat_at', '<', db.raw("now() - interval '1 day'")).del();
}

/** The freshest heartbeat of a host's workers, with its age in seconds by the database's clock. */
export async function findLatestHeartbeat(db: Db, host: string): Promise<(HeartbeatRow & { age_seconds: number }) | undefined> {
  return db('worker_heartbeats')
    .select(...columns, db.raw('extract(epoch from now() - beat_at)::float8 as age_seconds'))
    .where({ host })
    .orderBy('beat_at', 'desc')
    .first();
}
