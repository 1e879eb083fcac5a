import type { Deps } from '../deps.js';
import { canMixPost } from '../posts/policies.js';
import type { PostSummary } from '../posts/queries.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { listMixableTracks, recipeFor } from './mixable.js';
import { insertMixVersion, type MixVersionRow } from './queries.js';
import type { SaveMixInput } from './schemas.js';

/**
 * The author saves the mix: a new, immutable master version (recipe) is written and the
 * worker renders it. The previous master keeps playing until the new one is ready.
 */
export async function saveMix(post: PostSummary, input: SaveMixInput, { db, jobs, log, actor }: Pick<Deps, 'db' | 'jobs' | 'log'> & { actor: Express.User }): Promise<MixVersionRow> {
  authorize(canMixPost(actor, post));
  const tracks = await listMixableTracks(db, post);
  const known = new Set(tracks.map((t) => t.trackId));
  const stranger = input.tracks.find((s) => !known.has(s.trackId));
  if (stranger) throw new ValidationFailed({ tracks: 'A track in this mix is not part of the song (was it excluded or deleted?). Reload the page.' });
  const recipe = recipeFor(tracks, new Map(input.tracks.map((s) => [s.trackId, s])));
  if (!recipe.some((r) => !r.muted)) throw new ValidationFailed({ tracks: 'Unmute at least one track: a master needs something to play.' });

  const version = await db.transaction((trx) => insertMixVersion(trx, post.id, actor.id, recipe));
  // The worker's sweep re-sends a lost one.
  await jobs.renderMix(version.id).catch((err: unknown) => log.warn({ err, versionId: version.id, postId: post.id }, 'could not enqueue the render'));
  return version;
}
