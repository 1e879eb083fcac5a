import { canEditContribution } from '../contributions/policies.js';
import { replaceContributionTrack, type ContributionRow } from '../contributions/queries.js';
import type { Deps } from '../deps.js';
import type { PostSummary } from '../posts/queries.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import type { UploadedAudio } from '../web/upload.js';
import { acceptUploadedAudio } from '../tracks/accept.js';
import { deleteTrackRow, insertTrack } from '../tracks/queries.js';
import { authorize } from '../web/errors.js';
import { retireVersionsWithTrack } from './retire.js';

/**
 * Lives in mixes: a new take changes the masters that had the old one.
 *
 * The contributor replaces their part's audio. The new file is already in S3 and must be
 * audio; then, in one transaction, the part points at the new track, every master that had
 * the old take audible is retired and the one listeners heard is saved again with the new
 * take in its place (same gain, pan and offset). Only after the commit do the old take's
 * files go, and the worker processes the new take and renders the new master.
 * The route deletes the upload when this throws.
 */
export async function replaceTake(
  post: PostSummary,
  contribution: ContributionRow,
  audio: UploadedAudio,
  deps: Pick<Deps, 'db' | 'storage' | 'config' | 'jobs' | 'log'> & { actor: Express.User | undefined },
): Promise<{ trackId: string; remixVersionId: number | null }> {
  const { db, storage, jobs, log, actor } = deps;
  authorize(canEditContribution(actor, contribution));
  const track = await acceptUploadedAudio(audio, 'contribution', { ...deps, actor: actor! });
  const { remix, masterTrackIds } = await db.transaction(async (trx) => {
    await insertTrack(trx, track);
    await replaceContributionTrack(trx, contribution.id, track.id);
    const retired = await retireVersionsWithTrack(trx, post, contribution.track_id, { actorId: actor!.id, replacement: track.id });
    await deleteTrackRow(trx, contribution.track_id);
    return retired;
  });
  for (const id of [contribution.track_id, ...masterTrackIds]) {
    await deletePrefix(storage, trackFolder(id)).catch((err) => log.warn({ err, trackId: id }, 'old take files left behind'));
  }
  await jobs.processTrack(track.id).catch((err) => log.warn({ err, trackId: track.id }, 'enqueue failed; the sweep re-sends it'));
  if (remix) await jobs.renderMix(remix.id).catch((err) => log.warn({ err, versionId: remix.id }, 'enqueue failed; the sweep re-sends it'));
  return { trackId: track.id, remixVersionId: remix?.id ?? null };
}
