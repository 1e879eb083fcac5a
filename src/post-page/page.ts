import { listCommentsOfPost } from '../comments/queries.js';
import { partPlace, presentComments, songPlace, type CommentFormState } from '../comments/view-models.js';
import { alignmentText } from '../contributions/align.js';
import { likedContributionIds } from '../contributions/like-queries.js';
import { canDeleteContribution, canEditContribution, canSeeTrackWarnings } from '../contributions/policies.js';
import type { Cursor } from '../web/pagination.js';
import { toLanguage } from '../web/i18n.js';
import { listContributionsForPostPage, type ContributionView } from '../contributions/queries.js';
import type { Db } from '../db/knex.js';
import { loudnessMatchedGain, proposedOffset } from '../mixes/mixable.js';
import { mixVersionPage, VERSIONS_ON_POST_PAGE } from '../mixes/history.js';
import type { RecipeTrack } from '../mixes/queries.js';
import { findTrackById, type TrackRow } from '../tracks/queries.js';
import { bpmDiffers, keyDiffers } from '../posts/detect.js';
import { canContribute, canDeletePost, canEditPost, canMixPost } from '../posts/policies.js';
import { likedPostIds } from '../posts/like-queries.js';
import { lookingForOf } from '../posts/looking-for-queries.js';
import type { PostSummary } from '../posts/queries.js';
import { listInstruments } from '../posts/taxonomy.js';
import { presentPostPage, presentTrack } from '../posts/view-models.js';
import { avatarView } from '../pictures/present.js';
import type { TFunction } from 'i18next';
import { instrumentName, keyName, tEnglish } from '../posts/names.js';
import { readAfresh, type SharedRead } from '../web/shared-reads.js';

type Viewer = Express.User | undefined;

export interface PostPageOptions {
  /** A comment form sent back with a problem, shown again where it was (422). */
  commentForm?: CommentFormState | undefined;
  /** Musicians whose comments this viewer does not see (the ones they blocked). */
  hiddenCommentAuthorIds?: readonly number[];
  /** The page of parts outside the mix: the last one the page before showed (`?parts=`). */
  partsBefore?: Cursor | undefined;
  /** The reader's language (English when not given). */
  t?: TFunction | undefined;
  /** Reads every viewer gets alike may be shared (src/web/shared-reads.ts); the polling JSON reads afresh. */
  shared?: SharedRead | undefined;
}

/** Parts outside the mix on one post page; a song with thousands of parts shows them a page at a time. */
export const OTHER_PARTS_PER_PAGE = 30;

/** Everything the post page shows: the song, its parts by instrument, the mixer, the versions, the comments. */
export async function buildPostPage(db: Db, post: PostSummary, viewer: Viewer, options: PostPageOptions = {}) {
  const shared = options.shared ?? readAfresh;
  const hidden = options.hiddenCommentAuthorIds ?? [];
  const lng = (options.t as unknown as { lng?: string } | undefined)?.lng ?? 'en';
  const [authorTrack, partsShown, history, instruments, commentRows] = await Promise.all([
    shared(`track:${post.author_track_id}`, () => findTrackById(db, post.author_track_id)),
    shared(`parts:${post.id}:${JSON.stringify(options.partsBefore ?? null)}`, () => listContributionsForPostPage(db, post.id, { before: options.partsBefore, limit: OTHER_PARTS_PER_PAGE })),
    shared(`versions:${post.id}:${post.current_mix_version_id}:${lng}`, () => mixVersionPage(db, post, { limit: VERSIONS_ON_POST_PAGE }, options.t)),
    listInstruments(db),
    shared(`comments:${post.id}:${hidden.join(',')}`, () => listCommentsOfPost(db, post.id, { hiddenAuthorIds: hidden })),
  ]);
  // Grouped by instrument in the seeded order, each group oldest first, as before the paging.
  const position = new Map(instruments.map((i, n) => [i.slug, n]));
  const contributions = [...partsShown.included, ...partsShown.others].sort(
    (a, b) => (position.get(a.instrument_slug) ?? 0) - (position.get(b.instrument_slug) ?? 0) || a.created_at.getTime() - b.created_at.getTime() || a.id - b.id,
  );
  const [likedSong, likedParts, lookingFor] = await Promise.all([
    likedPostIds(db, viewer?.id, [post.id]),
    likedContributionIds(db, viewer?.id, contributions.map((c) => c.id)),
    shared(`looking-for-of:${post.id}`, () => lookingForOf(db, [post.id])),
  ]);
  // The foreign key keeps the author track as long as its post.
  if (!authorTrack) throw new Error(`post ${post.id} has no author track`);
  // The mixer starts from the master that plays (the current version), else the newest.
  const mixerVersion = history.rows.find((v) => v.id === post.current_mix_version_id) ?? history.rows[0];
  const newestRecipe = mixerVersion?.recipe ?? [];
  const canMix = canMixPost(viewer, post);
  const t = options.t ?? tEnglish();
  const partName = (c: ContributionView) => instrumentName(t, { slug: c.instrument_slug, name: c.instrument_name });
  const songInstrument = instrumentName(t, { slug: post.instrument_slug, name: post.instrument_name });
  const trackView = (track: TrackRow) => ({ ...presentTrack(track, t), warnings: canSeeTrackWarnings(viewer, track) ? track.warnings : [] });

  const comments = presentComments(commentRows, {
    postId: post.id,
    postAuthorId: post.author_id,
    viewer,
    song: songPlace(post),
    parts: new Map(contributions.map((c) => [c.id, partPlace(c.id, c.track)])),
    form: options.commentForm,
    lang: toLanguage((t as unknown as { lng?: string }).lng) ?? 'en',
  });

  const groups = new Map<string, { instrument: string; items: ReturnType<typeof contributionView>[] }>();
  const contributionView = (c: ContributionView) => ({
    id: c.id,
    contributor: {
      nickname: c.contributor_nickname,
      url: `/users/${encodeURIComponent(c.contributor_nickname)}`,
      avatar: avatarView({ avatarPictureId: c.contributor_avatar_picture_id, nickname: c.contributor_nickname }),
    },
    instrument: partName(c),
    note: c.note,
    included: c.included,
    like: { url: `/contributions/${c.id}/like`, count: c.likes_count, liked: likedParts.has(c.id), label: t('posts:show.part_by', { instrument: partName(c), musician: c.contributor_nickname }) },
    plays: c.plays_count,
    track: trackView(c.track),
    canDelete: canDeleteContribution(viewer, c, post),
    canEdit: canEditContribution(viewer, c),
    editUrl: `/contributions/${c.id}/edit`,
    // The contributor and the author see what alignment found ("Sounds 120 ms late: aligned.").
    alignment: canDeleteContribution(viewer, c, post) ? alignmentText(c) : null,
    includeUrl: `/contributions/${c.id}/include`,
    excludeUrl: `/contributions/${c.id}/exclude`,
    deleteUrl: `/contributions/${c.id}/delete`,
    comments: comments.part(c.id),
  });
  for (const c of contributions) {
    const group = groups.get(c.instrument_slug) ?? { instrument: partName(c), items: [] };
    group.items.push(contributionView(c));
    groups.set(c.instrument_slug, group);
  }

  const mixer = {
    postId: post.id,
    canSave: canMix,
    saveUrl: `/posts/${post.id}/mix`,
    versionsUrl: `/posts/${post.id}/versions`,
    /** The version whose recipe the mixer starts from ("Mixer: v2"); null before the first save. */
    version: mixerVersion ? mixerVersion.number : null,
    // Every ready part for every visitor: parts outside the mix start muted, marked so.
    tracks: [
      mixerTrack(authorTrack, { role: 'author', label: `${songInstrument} · ${post.author_nickname}`, instrument: post.instrument_name, musician: post.author_nickname, included: true, proposedOffsetMs: 0 }, newestRecipe),
      ...contributions
        .filter((c) => c.track.status === 'ready')
        .map((c) =>
          mixerTrack(c.track, { role: 'contribution', label: `${partName(c)} · ${c.contributor_nickname}`, instrument: c.instrument_name, musician: c.contributor_nickname, included: c.included, proposedOffsetMs: proposedOffset(c) }, newestRecipe),
        ),
    ].filter((t) => authorTrack.status !== 'failed' || t.role !== 'author'),
  };

  // The song's credits: the author first, then each musician with what they played.
  const credits = [
    { nickname: post.author_nickname, url: `/users/${encodeURIComponent(post.author_nickname)}`, avatar: avatarView({ avatarPictureId: post.author_avatar_picture_id, nickname: post.author_nickname }), roles: [songInstrument], author: true, inMix: true },
  ];
  for (const c of contributions) {
    const known = credits.find((p) => p.nickname === c.contributor_nickname);
    if (known && !known.roles.includes(partName(c))) known.roles.push(partName(c));
    if (known) known.inMix ||= c.included;
    else credits.push({ nickname: c.contributor_nickname, url: `/users/${encodeURIComponent(c.contributor_nickname)}`, avatar: avatarView({ avatarPictureId: c.contributor_avatar_picture_id, nickname: c.contributor_nickname }), roles: [partName(c)], author: false, inMix: c.included });
  }

  return {
    credits,
    ...presentPostPage(post, authorTrack, viewer, likedSong.has(post.id), lookingFor.get(post.id) ?? [], t),
    authorTrack: trackView(authorTrack),
    hasMaster: Boolean(post.master_track_id),
    contributionGroups: [...groups.values()],
    contributionCount: post.contributions_count,
    // More parts outside the mix than this page shows: the link to the next page of them.
    morePartsUrl: partsShown.next ? `/posts/${post.id}?parts=${partsShown.next}#contributions` : null,
    partsShown: contributions.length,
    canContribute: canContribute(viewer),
    canMix,
    canEdit: canEditPost(viewer, post),
    canDeleteSong: canDeletePost(viewer, post),
    editUrl: `/posts/${post.id}/edit`,
    deleteUrl: `/posts/${post.id}/delete`,
    stemsUrl: post.master_track_id ? `/posts/${post.id}/stems.zip` : null,
    detection: presentDetection(post, canEditPost(viewer, post), t),
    instruments,
    versions: history.versions,
    olderVersionsUrl: history.olderUrl,
    mixer,
    comments: comments.song,
    canComment: comments.canComment,
    // JSON for a <script type="application/json"> block: "<" escaped so no tag can close it.
    mixerJson: JSON.stringify(mixer).replace(/</g, '\\u003c'),
  };
}

function mixerTrack(track: TrackRow, who: { role: 'author' | 'contribution'; label: string; instrument: string; musician: string; included: boolean; proposedOffsetMs: number }, recipe: RecipeTrack[]) {
  const saved = recipe.find((r) => r.track_id === track.id);
  return {
    trackId: track.id,
    ...who,
    streamUrl: `/tracks/${track.id}/stream`,
    peaksUrl: track.peaks_key ? `/tracks/${track.id}/peaks.json` : null,
    durationMs: track.duration_ms,
    loudnessLufs: track.loudness_lufs,
    gainDb: saved?.gain_db ?? loudnessMatchedGain(track.loudness_lufs),
    pan: saved?.pan ?? 0,
    muted: saved?.muted ?? false,
    offsetMs: saved?.offset_ms ?? who.proposedOffsetMs,
  };
}

/**
 * BPM and key as heard by the worker: which tags were filled by detection, and for the
 * author a note when what they typed is far from what the audio says.
 */
function presentDetection(post: PostSummary, isAuthorViewing: boolean, t: TFunction) {
  // Keys and values: the view words them in the reader's language.
  const notes: Array<{ key: string; params: Record<string, unknown> }> = [];
  if (isAuthorViewing && post.bpm_source === 'author' && post.bpm !== null && post.bpm_detected !== null && bpmDiffers(post.bpm, post.bpm_detected)) {
    notes.push({ key: 'posts:show.detected_bpm', params: { detected: Math.round(post.bpm_detected), typed: post.bpm } });
  }
  if (isAuthorViewing && post.key_source === 'author' && post.key !== null && post.key_detected !== null && keyDiffers(post.key, post.key_detected)) {
    notes.push({ key: 'posts:show.detected_key', params: { detected: keyName(t, post.key_detected), typed: keyName(t, post.key) } });
  }
  return { bpmDetected: post.bpm_source === 'detected', keyDetected: post.key_source === 'detected', notes };
}
