import type { Deps } from '../deps.js';
import { canMixPost } from '../posts/policies.js';
import type { PostSummary } from '../posts/queries.js';
import { authorize, Conflict } from '../web/errors.js';
import { countContributionsInMix, setContributionIncluded, type ContributionRow } from './queries.js';

/** Tracks a mix may hold: the author track and up to 63 parts (the mixer and the render are sized for it). */
export const MIX_TRACKS_MAX = 64;

/**
 * The author takes a part into the mix or out of it. The master changes when the author
 * next saves the mix, so a few parts can be tried together before a render.
 */
export async function setContributionInMix(post: PostSummary, contribution: ContributionRow, included: boolean, { db, actor }: Pick<Deps, 'db'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canMixPost(actor, post));
  if (contribution.included === included) return;
  // Refused here, where the author sees why, rather than at the next save of the mix.
  if (included && (await countContributionsInMix(db, post.id)) >= MIX_TRACKS_MAX - 1) {
    throw new Conflict('A mix holds at most {{max}} tracks: take a part out of the mix first.').withParams({ max: MIX_TRACKS_MAX });
  }
  await setContributionIncluded(db, contribution.id, included);
}
