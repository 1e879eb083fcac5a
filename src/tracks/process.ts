import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AudioError, reasonSentence } from '../audio/audio-error.js';
import { measureLoudness } from '../audio/loudness.js';
import { checkPartAgainstSong } from '../audio/part-check.js';
import { probeAudio, type AudioProbe } from '../audio/probe.js';
import { scanSamples } from '../audio/sample-scan.js';
import { transcodeForStreaming } from '../audio/transcode.js';
import type { Db } from '../db/knex.js';
import type { Deps } from '../deps.js';
import type { GiveUp } from '../jobs/attempt.js';
import { createWorkDir } from '../jobs/work-dir.js';
import { downloadToFile } from '../storage/download.js';
import { peaksKey, streamKey, trackFolder } from '../storage/keys.js';
import { deletePrefix, putObject } from '../storage/s3.js';
import { findTrackById, markTrackFailed, updateTrack } from './queries.js';

export const PEAK_POINTS = 2000;

/**
 * The format of the song a part was recorded against. The worker passes it in: tracks is a
 * leaf and imports no product part (contributions knows which song a part belongs to).
 */
export type SongProbeOf = (db: Db, trackId: string) => Promise<AudioProbe | undefined>;

/**
 * The worker's pass over one uploaded track: probe, a streaming rendition, waveform peaks,
 * loudness and clipping; for a contribution, a check against the song. Safe to run twice
 * (it starts over from the original) and quiet when the track is gone or already done.
 * Unreadable audio ends the track `failed` with the reason its musician sees. `signal`
 * ends the pass (its ffmpeg runs and the download) when the job's time is up.
 */
export async function processTrack(
  trackId: string,
  { db, storage, config, log, songProbeOf }: Pick<Deps, 'db' | 'storage' | 'config' | 'log'> & { songProbeOf: SongProbeOf },
  { signal }: { signal?: AbortSignal } = {},
): Promise<void> {
  const track = await findTrackById(db, trackId);
  if (!track || track.status !== 'processing') return;
  const dir = await createWorkDir('track');
  const tools = { ...config.audio, signal };
  try {
    const original = path.join(dir, `original${path.extname(track.original_key)}`);
    await downloadToFile(storage, track.original_key, original, { signal });
    // The length decoded when the upload was accepted, not the header's claim (a truncated
    // file claims more than it holds); no second full decode here.
    const probe = { ...(await probeAudio(tools, original)), ...(track.duration_ms ? { durationMs: track.duration_ms } : {}) };

    const streamFile = path.join(dir, 'stream.m4a');
    const rendition = await transcodeForStreaming(tools, original, streamFile, { source: probe });
    const { peaks, clipping } = await scanSamples(tools, original, probe, { points: PEAK_POINTS });
    const loudness = await measureLoudness(tools, original);
    const song = track.kind === 'contribution' ? await songProbeOf(db, track.id) : undefined;
    // An author track is the song itself: against its own probe only clipping can show.
    const warnings = checkPartAgainstSong({ ...probe, loudness, clipping }, song ?? probe);

    signal?.throwIfAborted();
    const streamBytes = (await stat(streamFile)).size;
    const sKey = streamKey(track.id, rendition.ext);
    await putObject(storage, sKey, createReadStream(streamFile), rendition.contentType, streamBytes);
    await putObject(storage, peaksKey(track.id), JSON.stringify(peaks), 'application/json');

    // The row may have gone while we worked (the part was deleted): then clean up after us.
    if (!(await findTrackById(db, track.id))) {
      await deletePrefix(storage, trackFolder(track.id));
      return;
    }
    await updateTrack(db, track.id, {
      status: 'ready',
      failure_reason: null,
      stream_key: sKey,
      stream_type: rendition.contentType,
      stream_bytes: streamBytes,
      peaks_key: peaksKey(track.id),
      duration_ms: probe.durationMs,
      channels: probe.channels,
      sample_rate: probe.sampleRate,
      codec: probe.codec,
      loudness_lufs: loudness.integratedLufs,
      true_peak_db: loudness.truePeakDb,
      clipped_seconds: clipping.totalClippedMs / 1000,
      warnings,
      processed_at: new Date(),
    });
    log.info({ trackId, durationMs: probe.durationMs, lufs: loudness.integratedLufs, warnings: warnings.length }, 'track processed');
  } catch (err) {
    if (!(err instanceof AudioError)) throw err; // infrastructure trouble: the job retries
    await updateTrack(db, track.id, { status: 'failed', failure_reason: reasonSentence(err) });
    log.warn({ trackId, reason: err.reason }, 'track failed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the musician reads when the worker gave up on their upload. */
export const TRACK_GAVE_UP: Record<GiveUp, string> = {
  'too-long': 'Processing took too long; try a shorter or compressed file.',
  failed: 'We could not process this file after several tries. Please upload it again.',
};

/** After the last attempt the musician still deserves an answer, not an endless spinner. */
export async function giveUpOnTrack(db: Db, trackId: string, why: GiveUp): Promise<void> {
  await markTrackFailed(db, trackId, TRACK_GAVE_UP[why]);
}
