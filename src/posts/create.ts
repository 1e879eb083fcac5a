import { AudioError } from '../audio/audio-error.js';
import { probeAudio } from '../audio/probe.js';
import type { Deps } from '../deps.js';
import { deletePrefix, presignGet } from '../storage/s3.js';
import { trackFolder } from '../storage/keys.js';
import type { UploadedAudio } from '../storage/upload.js';
import { insertTrack } from '../tracks/queries.js';
import { UnsupportedMediaType, ValidationFailed } from '../web/errors.js';
import { insertPost, type PostRow } from './queries.js';
import type { PostInput } from './schemas.js';
import { findGenreBySlug, findInstrumentBySlug } from './taxonomy.js';

export interface CreatePostInput {
  /** The form fields, already parsed. */
  post: PostInput;
  /** The author track, already streamed to S3 by the route. */
  audio: UploadedAudio;
}

/**
 * A musician posts a song idea. The audio is already in S3; it must be decodable audio
 * (checked with ffprobe over a presigned URL, so nothing is downloaded whole), then the
 * track and post rows are written in one transaction. Any failure removes the object.
 */
export async function createPost({ post, audio }: CreatePostInput, deps: Pick<Deps, 'db' | 'storage' | 'config'> & { actor: Express.User }): Promise<PostRow> {
  const { db, storage, config, actor } = deps;
  try {
    const [genre, instrument] = await Promise.all([findGenreBySlug(db, post.genre), findInstrumentBySlug(db, post.instrument)]);
    const fields: Record<string, string> = {};
    if (!genre) fields.genre = 'Pick a genre from the list.';
    if (!instrument) fields.instrument = 'Pick an instrument from the list.';
    if (!genre || !instrument) throw new ValidationFailed(fields);

    const probe = await probeAudio(config.audio, await presignGet(storage, audio.key)).catch((err: unknown) => {
      if (err instanceof AudioError) throw new UnsupportedMediaType(`“${audio.originalName}” is not an audio file we can play: ${(err as AudioError).reason} Upload MP3, WAV, FLAC, AAC/M4A or OGG.`);
      throw err;
    });

    return await db.transaction(async (trx) => {
      const track = await insertTrack(trx, {
        id: audio.trackId,
        owner_id: actor.id,
        kind: 'author',
        // Until the worker makes a streaming rendition, the original (known decodable) plays.
        status: 'ready',
        original_key: audio.key,
        original_name: audio.originalName,
        original_type: audio.contentType,
        original_bytes: audio.bytes,
        duration_ms: probe.durationMs,
        channels: probe.channels,
        sample_rate: probe.sampleRate,
        codec: probe.codec,
      });
      return insertPost(trx, {
        author_id: actor.id,
        title: post.title,
        description: post.description,
        genre_id: genre.id,
        instrument_id: instrument.id,
        bpm: post.bpm ?? null,
        key: post.key ?? null,
        author_track_id: track.id,
      });
    });
  } catch (err) {
    await deletePrefix(storage, trackFolder(audio.trackId)).catch(() => undefined);
    throw err;
  }
}
