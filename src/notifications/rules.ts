import type { Db } from '../db/knex.js';
import type { NotificationKind } from './kinds.js';
import { addGroupedActor, insertNotifications, type NewNotification } from './queries.js';

// Who is told what. Each rule reads the rows the event left behind, so it can be run again
// (a retried job, a double submit) and the unique (recipient, kind, subject) row makes the
// second run tell nobody. Nobody is told of their own doing (insertNotifications drops it).

/**
 * Someone's part is ready to hear on your song: told when its track is processed rather
 * than when it was uploaded, so the link leads to a part that plays (a failed upload tells
 * nobody). A new take of the same part is the same subject: nobody is told twice.
 */
export async function notifyPartAdded(db: Db, trackId: string): Promise<number> {
  const part = await db('contributions as c')
    .join('posts as p', 'p.id', 'c.post_id')
    .join('tracks as t', 't.id', 'c.track_id')
    .where('c.track_id', trackId)
    .where('t.status', 'ready')
    .first('c.id', 'c.post_id', 'c.contributor_id', 'p.author_id');
  if (!part) return 0;
  return insertNotifications(db, [{ recipientId: part.author_id, kind: 'part_added', subjectId: part.id, actorId: part.contributor_id, postId: part.post_id, contributionId: part.id }]);
}

/**
 * The author saved a mix: each contributor whose part is in it hears so, once per part ever
 * (a part that stays in the next versions, or leaves and comes back, tells nobody again).
 */
export async function notifyPartsInMix(db: Db, versionId: number): Promise<number> {
  const parts: Array<{ id: number; post_id: number; contributor_id: number; created_by: number | null }> = await db('mix_version_tracks as r')
    .join('mix_versions as v', 'v.id', 'r.mix_version_id')
    .join('contributions as c', 'c.id', 'r.contribution_id')
    .where('r.mix_version_id', versionId)
    .select('c.id', 'c.post_id', 'c.contributor_id', 'v.created_by');
  return insertNotifications(
    db,
    parts.filter((p) => p.created_by !== null).map((p) => ({
      recipientId: p.contributor_id, kind: 'part_in_mix', subjectId: p.id, actorId: p.created_by!, postId: p.post_id, contributionId: p.id, mixVersionId: versionId,
    })),
  );
}

/**
 * A master finished rendering: everyone who plays on it hears of it, once per version,
 * except the author and a musician just told their part went into this very mix.
 */
export async function notifyNewMaster(db: Db, versionId: number): Promise<number> {
  const players: Array<{ contributor_id: number; post_id: number; created_by: number | null }> = await db('mix_version_tracks as r')
    .join('mix_versions as v', 'v.id', 'r.mix_version_id')
    .join('contributions as c', 'c.id', 'r.contribution_id')
    .where('r.mix_version_id', versionId)
    .where('v.status', 'ready')
    .whereNotExists(
      db('notifications as n').select(db.raw('1')).where('n.kind', 'part_in_mix').where('n.mix_version_id', versionId).whereRaw('n.recipient_id = c.contributor_id'),
    )
    .distinct('c.contributor_id', 'c.post_id', 'v.created_by');
  return insertNotifications(
    db,
    players.filter((p) => p.created_by !== null).map((p) => ({
      recipientId: p.contributor_id, kind: 'new_master', subjectId: versionId, actorId: p.created_by!, postId: p.post_id, mixVersionId: versionId,
    })),
  );
}

export interface CommentEvent {
  commentId: number;
  /** The song the comment is on (or the song of the part it is on). */
  postId: number;
  /** Set when the comment is on a part: its contributor is told too. */
  contributionId?: number | null | undefined;
  /** Set when the comment replies to another: that comment's author is told of the reply. */
  parentAuthorId?: number | null | undefined;
  /** Who wrote it. */
  actorId: number;
}

/**
 * A new comment: the author of the comment it answers hears of a reply; the song's author and
 * the part's contributor of a comment. Each musician gets one notification for it, a reply
 * rather than a comment when both fit.
 */
export async function notifyComment(db: Db, event: CommentEvent): Promise<number> {
  const song = await db('posts').where({ id: event.postId }).first('author_id');
  if (!song) return 0;
  const part = event.contributionId ? await db('contributions').where({ id: event.contributionId, post_id: event.postId }).first('contributor_id') : undefined;
  const told = new Map<number, NotificationKind>();
  if (event.parentAuthorId) told.set(event.parentAuthorId, 'reply');
  for (const id of [song.author_id as number, part?.contributor_id as number | undefined]) if (id !== undefined && !told.has(id)) told.set(id, 'comment');
  const rows: NewNotification[] = [...told].map(([recipientId, kind]) => ({
    recipientId, kind, subjectId: event.commentId, actorId: event.actorId, postId: event.postId, contributionId: event.contributionId ?? null,
  }));
  return insertNotifications(db, rows);
}

/** A new follower: told once, however often they unfollow and follow again. */
export async function notifyFollowed(db: Db, { followerId, followedId }: { followerId: number; followedId: number }): Promise<number> {
  return insertNotifications(db, [{ recipientId: followedId, kind: 'follower', subjectId: followerId, actorId: followerId }]);
}

/** A like on a song joins the song's one like notification. */
export async function notifySongLiked(db: Db, { postId, actorId }: { postId: number; actorId: number }): Promise<void> {
  const song = await db('posts').where({ id: postId }).first('author_id');
  if (!song) return;
  await addGroupedActor(db, { recipientId: song.author_id, kind: 'song_liked', subjectId: postId, actorId, postId });
}

/** A like on a part joins the part's one like notification. */
export async function notifyPartLiked(db: Db, { contributionId, actorId }: { contributionId: number; actorId: number }): Promise<void> {
  const part = await db('contributions').where({ id: contributionId }).first('contributor_id', 'post_id');
  if (!part) return;
  await addGroupedActor(db, { recipientId: part.contributor_id, kind: 'part_liked', subjectId: contributionId, actorId, postId: part.post_id, contributionId });
}
