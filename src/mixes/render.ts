import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AudioError, reasonSentence } from '../audio/audio-error.js';
import { renderMixdown } from '../audio/mixdown.js';
import { computePeaks } from '../audio/peaks.js';
import { transcodeForStreaming } from '../audio/transcode.js';
import type { Deps } from '../deps.js';
import type { GiveUp } from '../jobs/attempt.js';
import { createWorkDir } from '../jobs/work-dir.js';
import { downloadToFile } from '../storage/download.js';
import { peaksKey, streamKey, trackFolder } from '../storage/keys.js';
import { deletePrefix, putObject } from '../storage/s3.js';
import { findPostById, setCurrentMaster } from '../posts/queries.js';
import { PEAK_POINTS } from '../tracks/process.js';
import { findTrackById, insertTrack } from '../tracks/queries.js';
import { findMixVersion, listRecipe, lockCurrentVersionNumber, lockRenderingVersion, markMixVersionFailed, markMixVersionReady } from './queries.js';

/** Loudness of every master: the streaming services' common target, with a −1 dBTP ceiling. */
export const MASTER_LUFS = -14;
export const MASTER_CEILING_DBTP = -1;

/**
 * The worker renders one master version from the originals: gain, pan, mute and offset from the
 * recipe, summed, loudness-normalised. Objects are written first, then the master track
 * row and the version in one transaction; the newest ready version becomes current.
 * Safe to run twice: a version that is no longer `rendering` is left alone. `signal` ends
 * the render (its ffmpeg runs and downloads) when the job's time is up.
 */
export async function renderMixVersion(
  versionId: number,
  { db, storage, config, log }: Pick<Deps, 'db' | 'storage' | 'config' | 'log'>,
  { signal }: { signal?: AbortSignal } = {},
): Promise<void> {
  const version = await findMixVersion(db, versionId);
  if (!version || version.status !== 'rendering') return;
  const post = await findPostById(db, version.post_id);
  if (!post) return;
  const recipe = (await listRecipe(db, version.id)).filter((r) => r.track_id && !r.muted);

  const dir = await createWorkDir('mix');
  const masterId = randomUUID();
  const tools = { ...config.audio, signal };
  try {
    const inputs = [];
    for (const part of recipe) {
      const track = await findTrackById(db, part.track_id!);
      if (!track || track.status === 'failed') continue; // deleted since the save: left out
      const file = path.join(dir, `${track.id}${path.extname(track.original_key)}`);
      await downloadToFile(storage, track.original_key, file, { signal });
      inputs.push({ path: file, gainDb: part.gain_db, pan: part.pan, muted: false, offsetMs: part.offset_ms });
    }
    if (!inputs.length) throw new AudioError('Every track of this mix is muted or was deleted');

    const masterFile = path.join(dir, 'master.flac');
    const master = await renderMixdown(tools, { inputs, outputPath: masterFile, targetLufs: MASTER_LUFS, truePeakCeilingDb: MASTER_CEILING_DBTP });
    const streamFile = path.join(dir, 'stream.m4a');
    const rendition = await transcodeForStreaming(tools, masterFile, streamFile);
    const peaks = await computePeaks(tools, masterFile, { points: PEAK_POINTS });

    signal?.throwIfAborted();
    const [masterBytes, streamBytes] = await Promise.all([stat(masterFile), stat(streamFile)]).then((s) => s.map((x) => x.size));
    const originalKey = `${trackFolder(masterId)}original.flac`;
    await putObject(storage, originalKey, createReadStream(masterFile), 'audio/flac', masterBytes);
    await putObject(storage, streamKey(masterId, rendition.ext), createReadStream(streamFile), rendition.contentType, streamBytes);
    await putObject(storage, peaksKey(masterId), JSON.stringify(peaks), 'application/json');

    const rendered = await db.transaction(async (trx) => {
      // Re-read under lock: the version may have been rendered by another run meanwhile.
      if (!(await lockRenderingVersion(trx, version.id))) return false;
      await insertTrack(trx, {
        id: masterId,
        owner_id: post.author_id,
        kind: 'master',
        status: 'ready',
        original_key: originalKey,
        original_name: `${post.title} (master v${version.number}).flac`,
        original_type: 'audio/flac',
        original_bytes: masterBytes!,
        duration_ms: master.durationMs,
        channels: 2,
        sample_rate: 48000,
        codec: 'flac',
        stream_key: streamKey(masterId, rendition.ext),
        stream_type: rendition.contentType,
        stream_bytes: streamBytes!,
        peaks_key: peaksKey(masterId),
        loudness_lufs: master.integratedLufs,
        true_peak_db: master.truePeakDb,
        processed_at: new Date(),
      });
      await markMixVersionReady(trx, version.id, { trackId: masterId, lufs: master.integratedLufs, truePeakDb: master.truePeakDb });
      // Newest ready wins; an older version the author chose stays until a newer one is ready.
      if ((await lockCurrentVersionNumber(trx, post.id)) < version.number) await setCurrentMaster(trx, post.id, { id: version.id, master_track_id: masterId });
      return true;
    });
    if (!rendered) await deletePrefix(storage, trackFolder(masterId));
    else log.info({ versionId, postId: post.id, lufs: master.integratedLufs, truePeak: master.truePeakDb }, 'master rendered');
  } catch (err) {
    await deletePrefix(storage, trackFolder(masterId)).catch((cleanupErr: unknown) =>
      log.warn({ err: cleanupErr, versionId, masterId }, 'could not remove the objects of a failed render'),
    );
    if (!(err instanceof AudioError)) throw err; // the job retries
    await markMixVersionFailed(db, version.id, reasonSentence(err));
    log.warn({ versionId, reason: err.reason }, 'master failed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the author reads when the worker gave up on a master. */
export const MASTER_GAVE_UP: Record<GiveUp, string> = {
  'too-long': 'Rendering the master took too long. Try a mix with fewer or shorter tracks, or save the mix again to retry.',
  failed: 'The master could not be rendered after several tries. Save the mix again to retry.',
};

/** After the last attempt: the author sees a reason instead of "rendering" forever. */
export async function giveUpOnMixVersion(db: Deps['db'], versionId: number, why: GiveUp): Promise<void> {
  await markMixVersionFailed(db, versionId, MASTER_GAVE_UP[why]);
}
