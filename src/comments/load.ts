import type { Db } from '../db/knex.js';
import { loadPost, parseId } from '../posts/load.js';
import type { PostSummary } from '../posts/queries.js';
import { NotFound } from '../web/errors.js';
import { findCommentById, type CommentRow } from './queries.js';

/** The comment a URL names and the song it is on, or 404. */
export async function loadComment(db: Db, id: unknown): Promise<{ comment: CommentRow; post: PostSummary }> {
  const comment = await findCommentById(db, parseId(id));
  if (!comment) throw new NotFound('This comment does not exist or was deleted.');
  return { comment, post: await loadPost(db, String(comment.post_id)) };
}
