import type { PostSummary } from '../posts/queries.js';
import type { TrackRow } from '../tracks/queries.js';
import type { FieldErrors } from '../web/errors.js';
import { formatDateTime, timeAgo } from '../web/format.js';
import { canComment, canDeleteComment } from './policies.js';
import type { CommentView } from './queries.js';
import { COMMENT_MAX_CHARS, formatMoment } from './schemas.js';
import { tFor, type Language } from '../web/i18n.js';

/**
 * A comment form sent back with a problem (422): which form it was (`song`, `part-12`,
 * `reply-40`), what was typed, and the message per field, so the page shows it again there.
 */
export interface CommentFormState {
  target: string;
  values: { body: string; at: string };
  errors: FieldErrors;
}

/** Where a comment's moment plays: the track it is about, and how the page finds its player. */
export interface TrackPlace {
  /** The mixer track whose lane holds the marker (song comments: the author track). */
  mixerTrackId: string;
  /** What plays it without the mixer: the song's player (master or author track), or the part's. */
  streamTrackId: string;
  /** The <audio> that plays it on the page when the mixer does not. */
  audioSelector: string;
  /** The track's length, so the form can say how far a moment may go. */
  durationMs: number | null;
}

/** A song comment's moment is on the song's timeline: the mixer's, the master's, the author track's. */
export const songPlace = (post: PostSummary): TrackPlace => ({ mixerTrackId: post.author_track_id, streamTrackId: post.play_track_id, audioSelector: '#listen [data-play]', durationMs: post.duration_ms });

/** A part comment's moment is on the part's own recording (the mixer adds the part's offset). */
export const partPlace = (contributionId: number, track: Pick<TrackRow, 'id' | 'duration_ms'>): TrackPlace => ({
  mixerTrackId: track.id,
  streamTrackId: track.id,
  audioSelector: `#contribution-${contributionId} [data-play]`,
  durationMs: track.duration_ms,
});

export interface Context {
  postId: number;
  postAuthorId: number;
  viewer: Express.User | undefined;
  song: TrackPlace;
  parts: Map<number, TrackPlace>;
  form?: CommentFormState | undefined;
  /** The reader's language, for the dates (English without it). */
  lang?: Language | undefined;
}

type Row = CommentView;

/**
 * The comments of a song and of each part, as threads: top-level comments newest first (what
 * is new is what a returning musician looks for; the waveform's markers already show them in
 * the order of the music), each with its replies oldest first (a conversation reads down).
 */
export function presentComments(rows: Row[], ctx: Context) {
  const repliesOf = new Map<number, Row[]>();
  for (const r of rows) if (r.parent_id !== null) repliesOf.set(r.parent_id, [...(repliesOf.get(r.parent_id) ?? []), r]);
  const threadsOf = new Map<number | null, ReturnType<typeof topView>[]>();
  for (const r of [...rows].reverse()) {
    if (r.parent_id !== null) continue;
    const replies = repliesOf.get(r.id) ?? [];
    // A placeholder whose replies are all hidden from this viewer has nothing to show.
    if (r.deleted_at && replies.length === 0) continue;
    const place = r.contribution_id === null ? ctx.song : ctx.parts.get(r.contribution_id);
    if (!place) continue;
    threadsOf.set(r.contribution_id, [...(threadsOf.get(r.contribution_id) ?? []), topView(r, replies, place, ctx)]);
  }
  const thread = (contributionId: number | null, target: string, place: TrackPlace) => ({
    comments: threadsOf.get(contributionId) ?? [],
    form: formView(ctx, target, { contribution: contributionId === null ? '' : String(contributionId), parent: '' }, place),
  });
  return {
    song: thread(null, 'song', ctx.song),
    part: (contributionId: number) => thread(contributionId, `part-${contributionId}`, ctx.parts.get(contributionId)!),
    canComment: canComment(ctx.viewer),
  };
}

export type CommentThreadView = ReturnType<ReturnType<typeof presentComments>['part']>;

/** A top-level comment with its replies and the form to answer it. */
export function topView(r: Row, replies: Row[], place: TrackPlace, ctx: Context) {
  return {
    ...commentView(r, place, ctx),
    replies: replies.map((reply) => commentView(reply, place, ctx)),
    replyForm: formView(ctx, `reply-${r.id}`, { contribution: '', parent: String(r.id) }, null),
  };
}

export function commentView(r: Row, place: TrackPlace, ctx: Pick<Context, 'postAuthorId' | 'viewer' | 'lang'>) {
  const deleted = r.deleted_at !== null;
  return {
    id: r.id,
    anchor: `comment-${r.id}`,
    deleted,
    author: deleted ? null : { nickname: r.author_nickname, url: `/users/${encodeURIComponent(r.author_nickname)}` },
    body: deleted ? '' : r.body,
    at:
      r.at_ms === null || deleted
        ? null
        : {
            label: formatMoment(r.at_ms),
            ms: r.at_ms,
            // Without JavaScript the link opens the track at that moment (a media fragment).
            href: `/tracks/${place.streamTrackId}/stream#t=${(r.at_ms / 1000).toFixed(1)}`,
            mixerTrackId: place.mixerTrackId,
            audioSelector: place.audioSelector,
            scope: r.contribution_id === null ? 'song' : 'part',
            markerLabel: tFor(ctx.lang ?? 'en')('comments:marker_label', { name: r.author_nickname, at: formatMoment(r.at_ms), body: r.body.length > 80 ? `${r.body.slice(0, 79)}…` : r.body }),
          },
    ago: timeAgo(r.created_at, ctx.lang),
    createdIso: r.created_at.toISOString(),
    createdText: formatDateTime(r.created_at, ctx.lang),
    canDelete: !deleted && canDeleteComment(ctx.viewer, r, { author_id: ctx.postAuthorId }),
    deleteUrl: `/comments/${r.id}/delete`,
  };
}

/** A comment form; `place` (the track its moment is on) for top-level comments, null for a reply. */
function formView(ctx: Pick<Context, 'postId' | 'form'>, target: string, hidden: { contribution: string; parent: string }, place: TrackPlace | null) {
  const sent = ctx.form?.target === target ? ctx.form : undefined;
  return {
    target,
    action: `/posts/${ctx.postId}/comments`,
    hidden,
    /** Top-level comments may name a moment ("at current time" reads it from this track); replies answer the comment above. */
    moment: place && { mixerTrackId: place.mixerTrackId, audioSelector: place.audioSelector, scope: hidden.contribution ? 'part' : 'song' },
    maxChars: COMMENT_MAX_CHARS,
    lengthHint: place?.durationMs == null ? null : formatMoment(place.durationMs),
    values: sent?.values ?? { body: '', at: '' },
    errors: sent?.errors ?? {},
    open: sent !== undefined,
  };
}
