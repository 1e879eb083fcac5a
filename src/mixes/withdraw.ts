import type { Deps } from '../deps.js';
import { moveContributionsCount, type PostSummary } from '../posts/queries.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import { deleteTrackRow } from '../tracks/queries.js';
import { authorize } from '../web/errors.js';
import { canDeleteContribution } from '../contributions/policies.js';
import { deleteContributionRow, type ContributionRow } from '../contributions/queries.js';
import { retireVersionsWithTrack } from './retire.js';

/**
 * Lives in mixes, not contributions: taking a part down retires masters and may save the mix
 * again, and contributions sits below mixes in the import order.
 *
 * The contributor or the author takes a part down: its rows and files go, every master
 * that had it audible is retired (its audio deleted), and the mix listeners heard is saved
 * again without it and re-rendered, so the song stops playing a part its musician withdrew.
 */
export async function withdrawContribution(post: PostSummary, contribution: ContributionRow, { db, storage, jobs, log, actor }: Pick<Deps, 'db' | 'storage' | 'jobs' | 'log'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canDeleteContribution(actor, contribution, post));
  const { remix, masterTrackIds } = await db.transaction(async (trx) => {
    const retired = await retireVersionsWithTrack(trx, post, contribution.track_id, { actorId: actor!.id });
    await deleteContributionRow(trx, contribution);
    await moveContributionsCount(trx, post.id, -1);
    await deleteTrackRow(trx, contribution.track_id);
    return retired;
  });
  // Rows first, then files: a failure here leaves an unreferenced object, never a broken row.
  for (const id of [contribution.track_id, ...masterTrackIds]) await deletePrefix(storage, trackFolder(id));
  // The worker's sweep re-sends a lost one.
  if (remix) await jobs.renderMix(remix.id).catch((err: unknown) => log.warn({ err, versionId: remix.id, postId: post.id }, 'could not enqueue the render'));
}
