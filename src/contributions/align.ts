import { tFor, type Language } from '../web/i18n.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { estimateAlignment } from '../audio/alignment.js';
import { onsetEnvelopeOfFile } from '../audio/analyse-file.js';
import { AudioError } from '../audio/audio-error.js';
import type { Deps } from '../deps.js';
import { findPostById } from '../posts/queries.js';
import { downloadToFile } from '../storage/download.js';
import { findTrackById } from '../tracks/queries.js';
import { findContributionByTrackId, recordContributionAlignment } from './queries.js';

/**
 * A song's envelope, kept for the parts that follow: a busy song gets its parts together,
 * and each would otherwise download and decode the same 90 s of the song again. Keyed by
 * the stored object, which never changes under its key.
 */
const songEnvelopes = recentlyUsed<string, Float64Array>(16);

/**
 * The last `size` values by key, the oldest dropped first (a Map keeps insertion order).
 * Small enough to write here; a failed load is not kept.
 */
function recentlyUsed<K, V>(size: number) {
  const values = new Map<K, Promise<V>>();
  return {
    get(key: K, load: () => Promise<V>): Promise<V> {
      let value = values.get(key);
      if (value) values.delete(key);
      else value = load();
      values.set(key, value);
      value.catch(() => values.get(key) === value && values.delete(key));
      while (values.size > size) values.delete(values.keys().next().value as K);
      return value;
    },
  };
}

/**
 * After the worker processed a part: where it lines up with the song (the current master
 * when there is one, else the author track). A clear answer becomes the part's proposed
 * offset, which the mixer starts from; otherwise the part is marked "could not tell".
 * Quiet for any other track; safe to run twice.
 */
export async function alignContribution(trackId: string, { db, storage, config, log }: Pick<Deps, 'db' | 'storage' | 'config' | 'log'>): Promise<void> {
  const contribution = await findContributionByTrackId(db, trackId);
  const post = contribution && (await findPostById(db, contribution.post_id));
  const [part, song] = post ? await Promise.all([findTrackById(db, trackId), findTrackById(db, post.master_track_id ?? post.author_track_id)]) : [];
  if (!contribution || part?.status !== 'ready' || !song) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-align-'));
  const envelopeOf = async (track: { original_key: string }, name: string) => {
    const file = path.join(dir, `${name}${path.extname(track.original_key)}`);
    await downloadToFile(storage, track.original_key, file);
    return onsetEnvelopeOfFile(config.audio, file);
  };
  try {
    const [songEnvelope, partEnvelope] = await Promise.all([songEnvelopes.get(song.original_key, () => envelopeOf(song, 'song')), envelopeOf(part, 'part')]);
    const estimate = estimateAlignment(songEnvelope, partEnvelope);
    // A part that sounds late is moved earlier: the offset is the lag with its sign turned.
    const alignment = estimate.confident
      ? { status: 'aligned' as const, offsetMs: -estimate.lagMs, confidence: estimate.confidence }
      : { status: 'unsure' as const, offsetMs: null, confidence: estimate.confidence };
    await recordContributionAlignment(db, contribution.id, alignment);
    log.info({ contributionId: contribution.id, trackId, against: song.id, ...alignment }, 'part aligned');
  } catch (err) {
    if (!(err instanceof AudioError)) throw err;
    await recordContributionAlignment(db, contribution.id, { status: 'unsure', offsetMs: null, confidence: 0 });
    log.warn({ contributionId: contribution.id, trackId, reason: err.reason }, 'part not aligned');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the contributor and the author read about the alignment ("sounds 120 ms late: aligned"). */
export function alignmentText(c: { alignment_status: string | null; proposed_offset_ms: number | null }, lng: Language = 'en'): string | null {
  const t = tFor(lng);
  if (c.alignment_status === 'unsure') return t('contributions:alignment.unsure');
  if (c.alignment_status !== 'aligned' || c.proposed_offset_ms === null) return null;
  const ms = c.proposed_offset_ms;
  if (ms === 0) return t('contributions:alignment.lined_up');
  return t(ms < 0 ? 'contributions:alignment.late' : 'contributions:alignment.early', { ms: Math.abs(ms) });
}
