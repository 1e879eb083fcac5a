import type { Db } from '../db/knex.js';
import { clearCurrentMaster } from '../posts/queries.js';
import { deleteTrackRow } from '../tracks/queries.js';
import { insertMixVersion, listMixVersionsWithTrack, markRecipeTrackWithdrawn, retireMixVersion, type MixVersionRow } from './queries.js';

export const RETIRED_REASON = 'retired: contained a part that was withdrawn';
export const REPLACED_REASON = 'retired: contained an earlier take of a part';

/**
 * A part's track is leaving the song (deleted, or replaced by a new take): no master may
 * keep playing it. Every version that has it audible and still has (or will have) audio is
 * retired: its master track row goes now and its files after the commit (the caller deletes
 * the returned folders). If listeners were hearing one of them, the post falls back to the
 * author track and that recipe is saved again without the part (or with `replacement`, the
 * new take, in its place), for the caller to render. Runs inside the caller's transaction.
 */
export async function retireVersionsWithTrack(
  trx: Db,
  post: { id: number; current_mix_version_id: number | null },
  trackId: string,
  { actorId, replacement }: { actorId: number; replacement?: string },
): Promise<{ remix: MixVersionRow | undefined; masterTrackIds: string[] }> {
  const containing = await listMixVersionsWithTrack(trx, post.id, trackId);
  const masterTrackIds: string[] = [];
  if (!replacement) await markRecipeTrackWithdrawn(trx, post.id, trackId);
  let remix: MixVersionRow | undefined;
  const current = containing.find((v) => v.id === post.current_mix_version_id);
  if (current) {
    await clearCurrentMaster(trx, post.id);
    const recipe = current.recipe
      .flatMap((r) => (r.track_id !== trackId ? [r] : replacement ? [{ ...r, track_id: replacement }] : []))
      .map(({ position: _p, withdrawn: _w, ...r }) => r);
    if (recipe.some((r) => !r.muted && r.track_id)) remix = await insertMixVersion(trx, post.id, actorId, recipe);
  }
  for (const v of containing) {
    if (v.status !== 'ready' && v.status !== 'rendering') continue;
    await retireMixVersion(trx, v.id, replacement ? REPLACED_REASON : RETIRED_REASON);
    if (v.master_track_id) {
      masterTrackIds.push(v.master_track_id);
      await deleteTrackRow(trx, v.master_track_id);
    }
  }
  return { remix, masterTrackIds };
}
