import type { Db } from '../db/knex.js';
import type { Storage } from '../storage/s3.js';
import { deletePrefix } from '../storage/s3.js';
import { trackFolder } from '../storage/keys.js';

/** Before an upload's first byte goes to S3: the sweep can find its objects if nothing else does. */
export async function reservePendingUpload(db: Db, trackId: string): Promise<void> {
  await db('pending_uploads').insert({ track_id: trackId });
}

/** In the transaction that inserts the track row: its objects have a row now. */
export async function settlePendingUpload(db: Db, trackId: string): Promise<void> {
  await db('pending_uploads').where({ track_id: trackId }).delete();
}

/**
 * Uploads started more than `olderThanSeconds` ago that never got a track row: their
 * request died with its process (a refused upload removes its objects itself, and leaves
 * only the row here). Deletes what they left in S3, then the row. Returns how many.
 */
export async function sweepAbandonedUploads(db: Db, storage: Storage, olderThanSeconds: number, limit = 100): Promise<number> {
  const stale: { track_id: string; has_track: boolean }[] = await db('pending_uploads as p')
    .select('p.track_id', db.raw('exists (select 1 from tracks t where t.id = p.track_id) as has_track'))
    .where('p.started_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .orderBy('p.started_at')
    .limit(limit);
  for (const { track_id, has_track } of stale) {
    if (!has_track) await deletePrefix(storage, trackFolder(track_id));
    await settlePendingUpload(db, track_id);
  }
  return stale.filter((s) => !s.has_track).length;
}
