import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AudioError, reasonSentence } from '../audio/audio-error.js';
import { detectClipping } from '../audio/clipping.js';
import { measureLoudness } from '../audio/loudness.js';
import { checkPartAgainstSong } from '../audio/part-check.js';
import { computePeaks } from '../audio/peaks.js';
import { probeAudio } from '../audio/probe.js';
import { transcodeForStreaming } from '../audio/transcode.js';
import { findSongProbeOfContributionTrack } from '../contributions/queries.js';
import type { Db } from '../db/knex.js';
import type { Deps } from '../deps.js';
import { downloadToFile } from '../storage/download.js';
import { peaksKey, streamKey, trackFolder } from '../storage/keys.js';
import { deletePrefix, putObject } from '../storage/s3.js';
import { findTrackById, updateTrack } from './queries.js';

export const PEAK_POINTS = 2000;

/**
 * The worker's pass over one uploaded track: probe, a streaming rendition, waveform peaks,
 * loudness and clipping; for a contribution, a check against the song. Safe to run twice
 * (it starts over from the original) and quiet when the track is gone or already done.
 * Unreadable audio ends the track `failed` with the reason its musician sees.
 */
export async function processTrack(trackId: string, { db, storage, config, log }: Pick<Deps, 'db' | 'storage' | 'config' | 'log'>): Promise<void> {
  const track = await findTrackById(db, trackId);
  if (!track || track.status !== 'processing') return;
  const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-track-'));
  const tools = config.audio;
  try {
    const original = path.join(dir, `original${path.extname(track.original_key)}`);
    await downloadToFile(storage, track.original_key, original);
    // The length decoded when the upload was accepted, not the header's claim (a truncated
    // file claims more than it holds); no second full decode here.
    const probe = { ...(await probeAudio(tools, original)), ...(track.duration_ms ? { durationMs: track.duration_ms } : {}) };

    const streamFile = path.join(dir, 'stream.m4a');
    const rendition = await transcodeForStreaming(tools, original, streamFile);
    const peaks = await computePeaks(tools, original, { points: PEAK_POINTS });
    const loudness = await measureLoudness(tools, original);
    const clipping = await detectClipping(tools, original);
    const song = track.kind === 'contribution' ? await findSongProbeOfContributionTrack(db, track.id) : undefined;
    // An author track is the song itself: against its own probe only clipping can show.
    const warnings = checkPartAgainstSong({ ...probe, loudness, clipping }, song ?? probe);

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

/** After the last retry the musician still deserves an answer, not an endless spinner. */
export async function giveUpOnTrack(db: Db, trackId: string): Promise<void> {
  const track = await findTrackById(db, trackId);
  if (track?.status === 'processing') {
    await updateTrack(db, trackId, { status: 'failed', failure_reason: 'We could not process this file after several tries. Please upload it again.' });
  }
}
