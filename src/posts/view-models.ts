import { avatarView, songCoverView } from '../pictures/present.js';
import type { TrackRow } from '../tracks/queries.js';
import { formatDate, formatDuration, timeAgo } from '../web/format.js';
import type { CardContributor } from './contributor-queries.js';
import type { LookingForTag } from './looking-for-queries.js';
import type { PostSummary } from './queries.js';

/** What a post card in a list shows. */
export function presentPostCard(p: PostSummary, liked = false, lookingFor: LookingForTag[] = [], contributors: CardContributor[] = []) {
  return {
    id: p.id,
    url: `/posts/${p.id}`,
    title: p.title,
    author: { nickname: p.author_nickname, url: `/users/${encodeURIComponent(p.author_nickname)}`, avatar: avatarView({ avatarPictureId: p.author_avatar_picture_id, nickname: p.author_nickname }) },
    art: songCoverView({ coverPictureId: p.cover_picture_id, title: p.title, genre: p.genre_name }),
    genre: { name: p.genre_name, url: `/genres/${p.genre_slug}` },
    instrument: { name: p.instrument_name, url: `/instruments/${p.instrument_slug}` },
    bpm: p.bpm,
    key: p.key,
    duration: formatDuration(p.duration_ms),
    streamUrl: `/tracks/${p.play_track_id}/stream`,
    peaksUrl: p.play_peaks_key ? `/tracks/${p.play_track_id}/peaks.json` : null,
    durationMs: p.duration_ms,
    ago: timeAgo(p.created_at),
    like: { url: `/posts/${p.id}/like`, count: p.likes_count, liked, label: p.title },
    plays: p.plays_count,
    contributions: p.contributions_count,
    /** The first few musicians who played on it (faces beside the part count) and how many more. */
    contributors: contributors.map((c) => ({ nickname: c.nickname, avatar: avatarView({ avatarPictureId: c.avatar_picture_id, nickname: c.nickname }) })),
    moreContributors: Math.max(0, (contributors[0]?.musicians ?? 0) - contributors.length),
    /** "Looking for: bass, drums", each linking to the songs looking for that instrument. */
    lookingFor: lookingFor.map((i) => ({ name: i.name, url: `/looking-for/${i.slug}` })),
  };
}

export function presentTrack(t: TrackRow) {
  return {
    id: t.id,
    status: t.status,
    failureReason: t.failure_reason,
    duration: formatDuration(t.duration_ms),
    durationMs: t.duration_ms,
    streamUrl: `/tracks/${t.id}/stream`,
    downloadUrl: `/tracks/${t.id}/download`,
    peaksUrl: t.peaks_key ? `/tracks/${t.id}/peaks.json` : null,
    format: [t.codec?.toUpperCase(), t.sample_rate ? `${(t.sample_rate / 1000).toFixed(1)} kHz` : null, t.channels === 1 ? 'mono' : t.channels === 2 ? 'stereo' : null]
      .filter(Boolean)
      .join(' · '),
  };
}

export function presentPostPage(p: PostSummary, authorTrack: TrackRow, viewer: Express.User | undefined, liked = false, lookingFor: LookingForTag[] = []) {
  return {
    post: {
      ...presentPostCard(p, liked, lookingFor),
      description: p.description,
      createdOn: formatDate(p.created_at),
      isAuthor: viewer?.id === p.author_id,
    },
    authorTrack: presentTrack(authorTrack),
  };
}
