import type { Deps } from '../deps.js';
import { canMixPost } from '../posts/policies.js';
import type { PostSummary } from '../posts/queries.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { setContributionIncluded } from '../contributions/queries.js';
import { clearLookingFor } from '../posts/looking-for-queries.js';
import { listMixableTracks, recipeFor, type MixableTrack } from './mixable.js';
import { insertMixVersion, listRecipe, newestMixVersion, type MixVersionRow } from './queries.js';
import type { SaveMixInput } from './schemas.js';

/**
 * The author saves the mix: a new, immutable master version (recipe) is written and the
 * worker renders it. The previous master keeps playing until the new one is ready. Parts the
 * mixer sends with `included` move in or out of the mix in the same transaction, so what
 * the author heard is what is saved. A part that enters the mix (audible in this recipe, not
 * in the last one saved) ticks its instrument off what the song is looking for.
 */
export async function saveMix(post: PostSummary, input: SaveMixInput, { db, jobs, log, actor }: Pick<Deps, 'db' | 'jobs' | 'log'> & { actor: Express.User }): Promise<MixVersionRow> {
  authorize(canMixPost(actor, post));
  const all = await listMixableTracks(db, post);
  const settings = new Map(input.tracks.map((s) => [s.trackId, s]));
  // The mixer says which parts are in (`included`); a track sent without it must already be in.
  const isIn = (t: MixableTrack) => (t.role === 'author' ? true : (settings.get(t.trackId)?.included ?? t.included));
  const known = new Set(all.filter((t) => settings.get(t.trackId)?.included !== undefined || t.included).map((t) => t.trackId));
  const stranger = input.tracks.find((s) => !known.has(s.trackId));
  if (stranger) throw new ValidationFailed({ tracks: 'A track in this mix is not part of the song (was it excluded or deleted?). Reload the page.' });
  const tracks = all.filter(isIn);
  const recipe = recipeFor(tracks, settings);
  if (!recipe.some((r) => !r.muted)) throw new ValidationFailed({ tracks: 'Unmute at least one track: a master needs something to play.' });
  const changed = all.filter((t) => t.contributionId !== null && isIn(t) !== t.included);
  const previous = await newestMixVersion(db, post.id);
  const heardBefore = new Set(previous ? (await listRecipe(db, previous.id)).filter((r) => !r.muted).map((r) => r.contribution_id) : []);
  const entering = tracks.filter((t) => t.contributionId !== null && !heardBefore.has(t.contributionId) && !(settings.get(t.trackId)?.muted ?? false));

  const version = await db.transaction(async (trx) => {
    for (const t of changed) await setContributionIncluded(trx, t.contributionId!, isIn(t));
    await clearLookingFor(trx, post.id, [...new Set(entering.map((t) => t.instrumentId))]);
    return insertMixVersion(trx, post.id, actor.id, recipe);
  });
  // The worker's sweep re-sends a lost one.
  await jobs.renderMix(version.id).catch((err: unknown) => log.warn({ err, versionId: version.id, postId: post.id }, 'could not enqueue the render'));
  return version;
}
