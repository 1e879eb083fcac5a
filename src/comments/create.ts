import { findContributionById } from '../contributions/queries.js';
import type { Db } from '../db/knex.js';
import type { PostSummary } from '../posts/queries.js';
import { findTrackById } from '../tracks/queries.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { canComment } from './policies.js';
import { insertComment, type CommentRow } from './queries.js';
import { formatMoment, type CommentInput } from './schemas.js';

/** Who a new comment concerns, for notifications: ids of musicians, null where there is none. */
export interface CommentAudience {
  /** The song's author (every comment is on their song). */
  songAuthorId: number;
  /** The part's contributor, for a comment on a part (a reply to one too). */
  partContributorId: number | null;
  /** The author of the comment the reply answered (a reply to a reply: that reply's author). */
  repliedToAuthorId: number | null;
}

export interface CreatedComment {
  comment: CommentRow;
  audience: CommentAudience;
}

/**
 * A musician comments on a song or one of its parts, optionally at a moment of that track,
 * or replies to a comment. Replies are one level deep: a reply to a reply joins the thread
 * of the top-level comment it is under, and takes no time of its own. The parent row is
 * locked while the reply goes in, so a thread being deleted cannot lose it half-way.
 */
export async function createComment(post: PostSummary, input: CommentInput, { db, actor }: { db: Db; actor: Express.User }): Promise<CreatedComment> {
  authorize(canComment(actor));
  return db.transaction(async (trx) => {
    let parentId: number | null = null;
    let contributionId = input.contribution;
    let repliedToAuthorId: number | null = null;
    if (input.parent !== null) {
      const named = await lockComment(trx, input.parent);
      if (!named || named.post_id !== post.id) throw new ValidationFailed({ parent: 'The comment you answer no longer exists.' });
      const top = named.parent_id === null ? named : await lockComment(trx, named.parent_id);
      if (!top || top.deleted_at) throw new ValidationFailed({ parent: 'That comment was deleted, so it takes no more replies.' });
      if (input.at !== null) throw new ValidationFailed({ at: 'A reply has no moment of its own: it answers the comment above.' });
      parentId = top.id;
      contributionId = top.contribution_id;
      repliedToAuthorId = named.author_id;
    }

    let partContributorId: number | null = null;
    let durationMs = post.duration_ms;
    if (contributionId !== null) {
      const part = await findContributionById(trx, contributionId);
      if (!part || part.post_id !== post.id) throw new ValidationFailed({ contribution: 'That part is not on this song any more.' });
      partContributorId = part.contributor_id;
      durationMs = (await findTrackById(trx, part.track_id))?.duration_ms ?? null;
    }
    if (input.at !== null) checkMoment(input.at, durationMs);

    const comment = await insertComment(trx, { post_id: post.id, contribution_id: contributionId, parent_id: parentId, author_id: actor.id, body: input.body, at_ms: input.at });
    return { comment, audience: { songAuthorId: post.author_id, partContributorId, repliedToAuthorId } };
  });
}

/** Everyone a new comment should tell, without its own author, each once (for notifications). */
export function commentRecipients({ comment, audience }: CreatedComment): number[] {
  const ids = [audience.songAuthorId, audience.partContributorId, audience.repliedToAuthorId].filter((id): id is number => id !== null && id !== comment.author_id);
  return [...new Set(ids)];
}

function checkMoment(atMs: number, durationMs: number | null): void {
  if (durationMs === null) throw new ValidationFailed({ at: 'This track is still being processed, so its length is not known yet: leave the moment empty for now.' });
  if (atMs > durationMs) throw new ValidationFailed({ at: `The track is only ${formatMoment(durationMs)} long: pick a moment inside it.` });
}

async function lockComment(db: Db, id: number): Promise<CommentRow | undefined> {
  const row: CommentRow | undefined = await db('comments').select('id', 'post_id', 'contribution_id', 'parent_id', 'author_id', 'body', 'at_ms', 'deleted_at', 'created_at').where({ id }).forUpdate().first();
  return row;
}
