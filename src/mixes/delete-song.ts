import { listContributionTrackIds } from '../contributions/queries.js';
import type { Deps } from '../deps.js';
import { canDeletePost } from '../posts/policies.js';
import { deletePostRow, type PostSummary } from '../posts/queries.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import { deleteTrackRow } from '../tracks/queries.js';
import { discardPictures } from '../pictures/replace.js';
import { authorize } from '../web/errors.js';
import { listMasterTrackIds } from './queries.js';

/**
 * Lives in mixes, the highest of the parts it empties: the author deletes the whole song.
 * Every row goes in one transaction (the post row's delete cascades to its parts, versions
 * and recipes; the tracks they named are deleted after it), then every file: the author
 * track's, each part's and each master's folder, and the cover art's sizes.
 */
export async function deleteSong(post: PostSummary, { db, storage, log, actor }: Pick<Deps, 'db' | 'storage' | 'log'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canDeletePost(actor, post));
  const trackIds = await db.transaction(async (trx) => {
    const ids = [post.author_track_id, ...(await listContributionTrackIds(trx, post.id)), ...(await listMasterTrackIds(trx, post.id))];
    await deletePostRow(trx, post.id);
    for (const id of ids) await deleteTrackRow(trx, id);
    return ids;
  });
  // Rows first, then files: a failure here leaves unreferenced objects, never a broken row.
  for (const id of trackIds) await deletePrefix(storage, trackFolder(id));
  if (post.cover_picture_id) await discardPictures({ storage, log }, [{ kind: 'song-cover', id: post.cover_picture_id }]);
  log.info({ postId: post.id, tracks: trackIds.length }, 'song deleted');
}
