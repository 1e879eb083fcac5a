import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyseSong } from '../audio/analyse-file.js';
import { AudioError } from '../audio/audio-error.js';
import type { Deps } from '../deps.js';
import { downloadToFile } from '../storage/download.js';
import { findTrackById } from '../tracks/queries.js';
import { findPostByAuthorTrackId, recordDetectedTempoAndKey } from './queries.js';

/**
 * After the worker processed an author track: the song's tempo and key, heard from the
 * audio. Quiet for any other track. Safe to run twice (it writes the same values).
 */
export async function detectTempoAndKey(trackId: string, { db, storage, config, log }: Pick<Deps, 'db' | 'storage' | 'config' | 'log'>): Promise<void> {
  const post = await findPostByAuthorTrackId(db, trackId);
  const track = post && (await findTrackById(db, trackId));
  if (!post || track?.status !== 'ready') return;
  const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-detect-'));
  try {
    const file = path.join(dir, `original${path.extname(track.original_key)}`);
    await downloadToFile(storage, track.original_key, file);
    const detected = await analyseSong(config.audio, file);
    await recordDetectedTempoAndKey(db, post.id, detected);
    log.info({ postId: post.id, trackId, ...detected }, 'tempo and key detected');
  } catch (err) {
    if (!(err instanceof AudioError)) throw err;
    log.warn({ postId: post.id, trackId, reason: err.reason }, 'tempo and key not detected');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether a detected BPM is far from the typed one: more than 4 % off, half and double time included. */
export function bpmDiffers(typed: number, detected: number): boolean {
  return ![1, 2, 0.5].some((ratio) => Math.abs(detected / (typed * ratio) - 1) <= 0.04);
}

/** Whether a detected key is far from the typed one: not the same key and not its relative major/minor. */
export function keyDiffers(typed: string, detected: string): boolean {
  const pc = (name: string) => ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'].indexOf(name.replace('Db', 'C#').replace('Eb', 'D#').replace('Gb', 'F#').replace('Ab', 'G#').replace('Bb', 'A#'));
  const parse = (k: string) => ({ tonic: pc(k.split(' ')[0]!), minor: k.endsWith('minor') });
  const a = parse(typed);
  const b = parse(detected);
  if (a.minor === b.minor) return a.tonic !== b.tonic;
  // The relative minor sits three semitones under its major.
  const major = a.minor ? b : a;
  const minor = a.minor ? a : b;
  return (major.tonic + 9) % 12 !== minor.tonic;
}
