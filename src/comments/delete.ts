import type { Db } from '../db/knex.js';
import type { PostSummary } from '../posts/queries.js';
import { authorize } from '../web/errors.js';
import { canDeleteComment } from './policies.js';
import { countRepliesOf, deleteCommentRow, markCommentDeleted, type CommentRow } from './queries.js';

/**
 * What deleting left: `removed` (the row is gone, and with it a placeholder whose last reply
 * it was) or `placeholder` (a top-level comment with replies: "comment deleted" stays above
 * them, so the thread still reads).
 */
export type DeleteOutcome = { kind: 'removed'; removedIds: number[] } | { kind: 'placeholder' };

/**
 * The commenter, or the song's author, deletes a comment. The row is locked first, so a
 * reply arriving meanwhile either comes before (and the comment becomes a placeholder) or
 * finds it gone.
 */
export async function deleteComment(comment: CommentRow, post: PostSummary, { db, actor }: { db: Db; actor: Express.User }): Promise<DeleteOutcome> {
  authorize(canDeleteComment(actor, comment, post));
  return db.transaction(async (trx) => {
    const row: Pick<CommentRow, 'id' | 'parent_id' | 'deleted_at'> | undefined = await trx('comments').select('id', 'parent_id', 'deleted_at').where({ id: comment.id }).forUpdate().first();
    if (!row) return { kind: 'removed', removedIds: [comment.id] };
    if (row.deleted_at) return { kind: 'placeholder' };
    if (row.parent_id === null) {
      if ((await countRepliesOf(trx, row.id)) > 0) {
        await markCommentDeleted(trx, row.id);
        return { kind: 'placeholder' };
      }
      await deleteCommentRow(trx, row.id);
      return { kind: 'removed', removedIds: [row.id] };
    }
    const parent: Pick<CommentRow, 'id' | 'deleted_at'> | undefined = await trx('comments').select('id', 'deleted_at').where({ id: row.parent_id }).forUpdate().first();
    await deleteCommentRow(trx, row.id);
    // The last reply under a deleted comment: the placeholder has nothing left to hold up.
    if (parent?.deleted_at && (await countRepliesOf(trx, parent.id)) === 0) {
      await deleteCommentRow(trx, parent.id);
      return { kind: 'removed', removedIds: [row.id, parent.id] };
    }
    return { kind: 'removed', removedIds: [row.id] };
  });
}
