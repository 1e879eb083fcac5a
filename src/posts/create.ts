import type { Deps } from '../deps.js';
import { deletePrefix } from '../storage/s3.js';
import { trackFolder } from '../storage/keys.js';
import type { UploadedAudio } from '../web/upload.js';
import type { UploadedImage } from '../web/image-upload.js';
import { discardPictures } from '../pictures/replace.js';
import { storePicture, type StoredPicture } from '../pictures/store.js';
import { acceptUploadedAudio } from '../tracks/accept.js';
import { insertTrack } from '../tracks/queries.js';
import { ValidationFailed } from '../web/errors.js';
import { setLookingFor } from './looking-for-queries.js';
import { insertPost, type PostRow } from './queries.js';
import type { PostInput } from './schemas.js';
import { findGenreBySlug, findInstrumentBySlug, lookingForIds } from './taxonomy.js';

export interface CreatePostInput {
  /** The form fields, already parsed. */
  post: PostInput;
  /** The author track, already streamed to S3 by the route. */
  audio: UploadedAudio;
  /** Cover art sent with the form, not yet checked; none: the song shows a generated cover. */
  cover?: UploadedImage | undefined;
}

/**
 * A musician posts a song idea. The audio is already in S3 and must be decodable; then the
 * track and post rows are written in one transaction and the worker is asked to process
 * the track. Cover art is checked and stored before the audio is read (a picture that is not
 * one is refused in moments). Any failure removes the objects, so nothing is left half-made.
 */
export async function createPost({ post, audio, cover }: CreatePostInput, deps: Pick<Deps, 'db' | 'storage' | 'config' | 'jobs' | 'log'> & { actor: Express.User }): Promise<PostRow> {
  const { db, storage, jobs, log, actor } = deps;
  let art: StoredPicture | undefined;
  try {
    const [genre, instrument, lookingFor] = await Promise.all([findGenreBySlug(db, post.genre), findInstrumentBySlug(db, post.instrument), lookingForIds(db, post.lookingFor)]);
    const fields: Record<string, string> = {};
    if (!genre) fields.genre = 'Pick a genre from the list.';
    if (!instrument) fields.instrument = 'Pick an instrument from the list.';
    if (lookingFor === null) fields.lookingFor = 'Pick the instruments you are looking for from the list.';
    if (!genre || !instrument || lookingFor === null) throw new ValidationFailed(fields);

    if (cover) art = await storePicture(deps, 'song-cover', cover);
    const track = await acceptUploadedAudio(audio, 'author', deps);
    const created = await db.transaction(async (trx) => {
      await insertTrack(trx, track);
      const row = await insertPost(trx, {
        author_id: actor.id,
        title: post.title,
        description: post.description,
        genre_id: genre.id,
        instrument_id: instrument.id,
        bpm: post.bpm ?? null,
        key: post.key ?? null,
        author_track_id: track.id,
        cover_picture_id: art?.id ?? null,
      });
      if (lookingFor?.length) await setLookingFor(trx, row.id, lookingFor);
      return row;
    });
    // After commit: a lost enqueue is re-sent by the worker's sweep, never a lost row.
    await jobs.processTrack(track.id).catch((err: unknown) => log.warn({ err, trackId: track.id, postId: created.id }, 'could not enqueue the track'));
    return created;
  } catch (err) {
    if (art) await discardPictures(deps, [art]);
    await deletePrefix(storage, trackFolder(audio.trackId)).catch((cleanupErr: unknown) =>
      log.warn({ err: cleanupErr, trackId: audio.trackId }, 'could not remove the objects of a refused upload'),
    );
    throw err;
  }
}
