import { Router } from 'express';
import type { CardContributor } from '../posts/contributor-queries.js';
import type { PostSummary } from '../posts/queries.js';
import { presentPostCard } from '../posts/view-models.js';

/** Cards per section, as the home page shows them. */
const CARDS = 4;

/** Fixed songs, shaped as the home page's queries return them. */
function fixedSongs(from: number): PostSummary[] {
  return Array.from({ length: CARDS }, (_, i) => ({
    id: from + i,
    author_id: 1,
    title: `Baseline song ${from + i}`,
    description: '',
    genre_id: 1,
    instrument_id: 1,
    bpm: 120,
    key: 'A minor',
    author_track_id: '00000000-0000-4000-8000-000000000001',
    master_track_id: null,
    current_mix_version_id: null,
    bpm_detected: null,
    key_detected: null,
    bpm_source: 'author',
    key_source: 'author',
    cover_picture_id: null,
    likes_count: 12,
    contributions_count: 3,
    plays_count: 40,
    created_at: new Date(Date.UTC(2026, 0, 1)),
    author_nickname: 'baseline_musician',
    author_avatar_picture_id: null,
    genre_slug: 'rock',
    genre_name: 'Rock',
    instrument_slug: 'guitar',
    instrument_name: 'Guitar',
    play_track_id: '00000000-0000-4000-8000-000000000001',
    play_peaks_key: 'tracks/00000000-0000-4000-8000-000000000001/peaks.json',
    duration_ms: 180_000,
  }));
}

/** Three contributors' faces (the drawn avatars) of five musicians, as the home's cards stack them. */
const faces = (postId: number): CardContributor[] =>
  ['ana', 'bo', 'cy'].map((nickname) => ({ post_id: postId, nickname, avatar_picture_id: null, musicians: 5 }));

/**
 * GET /bench/baseline (only with BENCH_BASELINE_ROUTE=true): the home page's layout and cards
 * with no database work, through the same middleware as every page. bench/pages.ts divides
 * each page's requests per second by this route's, measured in the same run.
 */
export function benchBaselineRoutes(): Router {
  const router = Router();
  const section = (from: number) => ({ posts: fixedSongs(from).map((p) => ({ ...presentPostCard(p, false, [{ slug: 'bass', name: 'Bass' }], faces(p.id)), note: null })), moreUrl: '/new' });
  router.get('/bench/baseline', (_req, res) => {
    // Never shared by nginx's page cache: the yardstick is the app's own work.
    res.set('Cache-Control', 'no-store');
    res.render('feed/home', { title: 'SoundHub', following: null, forYou: null, trending: section(1), fresh: section(11), looking: section(21) });
  });
  return router;
}
