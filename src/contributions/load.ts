import type { Db } from '../db/knex.js';
import { loadPost, parseId } from '../posts/load.js';
import type { PostSummary } from '../posts/queries.js';
import { NotFound } from '../web/errors.js';
import { findContributionById, type ContributionRow } from './queries.js';

/** The part a URL names and the song it belongs to, or 404. */
export async function loadContribution(db: Db, id: unknown): Promise<{ contribution: ContributionRow; post: PostSummary }> {
  const contribution = await findContributionById(db, parseId(id));
  if (!contribution) throw new NotFound('This part does not exist or was deleted.');
  return { contribution, post: await loadPost(db, String(contribution.post_id)) };
}
