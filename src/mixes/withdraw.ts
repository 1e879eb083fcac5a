import type { Deps } from '../deps.js';
import { moveContributionsCount, type PostSummary } from '../posts/queries.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import { deleteTrackRow } from '../tracks/queries.js';
import { authorize } from '../web/errors.js';
import { canDeleteContribution } from '../contributions/policies.js';
import { deleteContributionRow, type ContributionRow } from '../contributions/queries.js';
import { insertMixVersion, listRecipe, newestMixVersion } from './queries.js';

/**
 * Lives in mixes, not contributions: taking a part down may save the mix again, and
 * contributions sits below mixes in the import order.
 *
 * The contributor or the author takes a part down: its rows and files go, and if the
 * newest mix had it audible, that mix is saved again without it and re-rendered, so the
 * song stops playing a part its musician withdrew.
 */
export async function withdrawContribution(post: PostSummary, contribution: ContributionRow, { db, storage, jobs, log, actor }: Pick<Deps, 'db' | 'storage' | 'jobs' | 'log'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canDeleteContribution(actor, contribution, post));
  const remix = await db.transaction(async (trx) => {
    const newest = await newestMixVersion(trx, post.id);
    const recipe = newest ? await listRecipe(trx, newest.id) : [];
    await deleteContributionRow(trx, contribution);
    await moveContributionsCount(trx, post.id, -1);
    await deleteTrackRow(trx, contribution.track_id);
    if (!recipe.some((r) => r.track_id === contribution.track_id && !r.muted)) return undefined;
    const rest = recipe.filter((r) => r.track_id !== contribution.track_id).map(({ position: _p, ...r }) => r);
    if (!rest.some((r) => !r.muted)) return undefined;
    return insertMixVersion(trx, post.id, actor!.id, rest);
  });
  // Rows first, then files: a failure here leaves an unreferenced object, never a broken row.
  await deletePrefix(storage, trackFolder(contribution.track_id));
  // The worker's sweep re-sends a lost one.
  if (remix) await jobs.renderMix(remix.id).catch((err: unknown) => log.warn({ err, versionId: remix.id, postId: post.id }, 'could not enqueue the render'));
}
