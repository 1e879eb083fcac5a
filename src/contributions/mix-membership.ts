import type { Deps } from '../deps.js';
import { canMixPost } from '../posts/policies.js';
import type { PostSummary } from '../posts/queries.js';
import { authorize } from '../web/errors.js';
import { setContributionIncluded, type ContributionRow } from './queries.js';

/**
 * The author takes a part into the mix or out of it. The master changes when the author
 * next saves the mix, so a few parts can be tried together before a render.
 */
export async function setContributionInMix(post: PostSummary, contribution: ContributionRow, included: boolean, { db, actor }: Pick<Deps, 'db'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canMixPost(actor, post));
  if (contribution.included !== included) await setContributionIncluded(db, contribution.id, included);
}
