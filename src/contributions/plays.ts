import type { Db } from '../db/knex.js';
import { movePlaysCountOfTrack } from '../posts/queries.js';

/**
 * A track was played: the song it is the author track or a master of, or the part it is the
 * take of, counts one more play (src/tracks/plays.ts decides when a stream is a play).
 */
export async function countPlayOfTrack(trx: Db, trackId: string): Promise<void> {
  await movePlaysCountOfTrack(trx, trackId);
  await trx('contributions').where({ track_id: trackId }).increment('plays_count', 1);
}
