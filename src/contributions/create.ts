import type { Deps } from '../deps.js';
import { canContribute } from '../posts/policies.js';
import { moveContributionsCount, type PostSummary } from '../posts/queries.js';
import { findInstrumentBySlug } from '../posts/taxonomy.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import type { UploadedAudio } from '../web/upload.js';
import { acceptUploadedAudio } from '../tracks/accept.js';
import { insertTrack } from '../tracks/queries.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { insertContribution, type ContributionRow } from './queries.js';
import type { ContributionInput } from './schemas.js';

/**
 * A musician adds their part to a post. Like a post's audio: in S3 first, checked to be
 * audio, rows in one transaction, the worker processes it, and any failure removes the object.
 */
export async function createContribution(
  post: PostSummary,
  { part, audio }: { part: ContributionInput; audio: UploadedAudio },
  deps: Pick<Deps, 'db' | 'storage' | 'config' | 'jobs' | 'log'> & { actor: Express.User },
): Promise<ContributionRow> {
  const { db, storage, jobs, log, actor } = deps;
  try {
    authorize(canContribute(actor));
    const instrument = await findInstrumentBySlug(db, part.instrument);
    if (!instrument) throw new ValidationFailed({ instrument: 'Pick an instrument from the list.' });
    const track = await acceptUploadedAudio(audio, 'contribution', deps);
    const contribution = await db.transaction(async (trx) => {
      await insertTrack(trx, track);
      const created = await insertContribution(trx, { post_id: post.id, contributor_id: actor.id, track_id: track.id, instrument_id: instrument.id, note: part.note });
      await moveContributionsCount(trx, post.id, 1);
      return created;
    });
    // After commit: a lost enqueue is re-sent by the worker's sweep, never a lost row.
    await jobs.processTrack(track.id).catch((err: unknown) => log.warn({ err, trackId: track.id, postId: post.id }, 'could not enqueue the track'));
    return contribution;
  } catch (err) {
    await deletePrefix(storage, trackFolder(audio.trackId)).catch((cleanupErr: unknown) =>
      log.warn({ err: cleanupErr, trackId: audio.trackId, postId: post.id }, 'could not remove the objects of a refused upload'),
    );
    throw err;
  }
}
