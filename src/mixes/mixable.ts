import { listContributionsOfPost } from '../contributions/queries.js';
import type { Db } from '../db/knex.js';
import type { PostSummary } from '../posts/queries.js';
import { findTrackById } from '../tracks/queries.js';
import type { RecipeTrack } from './queries.js';

/** A track that can go into the post's mix, with the names its credits use. */
export interface MixableTrack {
  trackId: string;
  contributionId: number | null;
  role: 'author' | 'contribution';
  musician: string;
  instrument: string;
  instrumentId: number;
  loudnessLufs: number | null;
  /** Where the track starts when the mixer sends no offset: the part's proposed alignment. */
  defaultOffsetMs: number;
  /** Whether the author has the part in the mix (the author track always is). */
  included: boolean;
}

/** The author track and every contribution, in the mix or not (failed uploads never). */
export async function listMixableTracks(db: Db, post: PostSummary): Promise<MixableTrack[]> {
  const author = await findTrackById(db, post.author_track_id);
  const contributions = await listContributionsOfPost(db, post.id);
  const tracks: MixableTrack[] = [];
  if (author && author.status !== 'failed') {
    tracks.push({ trackId: author.id, contributionId: null, role: 'author', musician: post.author_nickname, instrument: post.instrument_name, instrumentId: post.instrument_id, loudnessLufs: author.loudness_lufs, defaultOffsetMs: 0, included: true });
  }
  for (const c of contributions) {
    if (c.track.status === 'failed') continue;
    tracks.push({ trackId: c.track_id, contributionId: c.id, role: 'contribution', musician: c.contributor_nickname, instrument: c.instrument_name, instrumentId: c.instrument_id, loudnessLufs: c.track.loudness_lufs, defaultOffsetMs: proposedOffset(c), included: c.included });
  }
  return tracks;
}

/** The offset alignment proposed for a part, or 0 when it could not tell. */
export function proposedOffset(c: { alignment_status: string | null; proposed_offset_ms: number | null }): number {
  return c.alignment_status === 'aligned' ? (c.proposed_offset_ms ?? 0) : 0;
}

/** Where a part's fader starts when it has no saved setting: its level matched to −18 LUFS. */
export function loudnessMatchedGain(lufs: number | null): number {
  if (lufs === null) return 0;
  return Math.max(-12, Math.min(12, Math.round((-18 - lufs) * 2) / 2));
}

/** The recipe for a save: given settings win, others start loudness-matched. */
export function recipeFor(tracks: MixableTrack[], settings: Map<string, { gainDb: number; pan: number; muted: boolean; offsetMs?: number | undefined }>): Omit<RecipeTrack, 'position'>[] {
  return tracks.map((t) => {
    const s = settings.get(t.trackId);
    return {
      track_id: t.trackId,
      contribution_id: t.contributionId,
      role: t.role,
      musician: t.musician,
      instrument: t.instrument,
      gain_db: s?.gainDb ?? loudnessMatchedGain(t.loudnessLufs),
      pan: s?.pan ?? 0,
      muted: s?.muted ?? false,
      offset_ms: s?.offsetMs ?? t.defaultOffsetMs,
    };
  });
}
