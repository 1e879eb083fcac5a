import type { Db } from '../db/knex.js';

export interface CommentRow {
  id: number;
  post_id: number;
  /** The part it is about; null for a comment on the song. */
  contribution_id: number | null;
  /** The top-level comment it answers; null for a top-level comment. */
  parent_id: number | null;
  author_id: number;
  body: string;
  /** The moment of its track it is about (ms), for top-level comments that name one. */
  at_ms: number | null;
  /** Set on a top-level comment deleted while it had replies: shown as "comment deleted". */
  deleted_at: Date | null;
  created_at: Date;
}

/** A comment as the post page shows it, with its author's nickname. */
export interface CommentView extends CommentRow {
  author_nickname: string;
}

const commentColumns = ['id', 'post_id', 'contribution_id', 'parent_id', 'author_id', 'body', 'at_ms', 'deleted_at', 'created_at'] as const satisfies ReadonlyArray<keyof CommentRow>;

export type NewComment = Pick<CommentRow, 'post_id' | 'contribution_id' | 'parent_id' | 'author_id' | 'body' | 'at_ms'>;

export async function insertComment(db: Db, comment: NewComment): Promise<CommentRow> {
  const [row] = await db<CommentRow>('comments').insert(comment).returning(commentColumns);
  if (!row) throw new Error('insert into comments returned no row');
  return row;
}

export async function findCommentById(db: Db, id: number): Promise<CommentRow | undefined> {
  const row: CommentRow | undefined = await db('comments').select(commentColumns).where({ id }).first();
  return row;
}

export interface CommentFilter {
  /**
   * Musicians whose comments this viewer does not see (the ones they blocked): their
   * comments are left out, and so is every reply under a top-level comment of theirs.
   */
  hiddenAuthorIds?: readonly number[];
}

/**
 * Every comment of a song and of its parts, oldest first, in one query (the page groups
 * them); served by comments_post_idx.
 */
export function commentsOfPostQuery(db: Db, postId: number, { hiddenAuthorIds = [] }: CommentFilter = {}) {
  // The nickname by primary key per comment rather than a join: a long conversation (thousands
  // of comments by as many musicians) would otherwise make the planner hash the whole users table.
  const query = db('comments as c')
    .select([...commentColumns.map((c) => `c.${c}`), db.raw('(select u.nickname from users u where u.id = c.author_id) as author_nickname')])
    .where('c.post_id', postId)
    .orderBy([{ column: 'c.created_at' }, { column: 'c.id' }]);
  if (hiddenAuthorIds.length) {
    const ids = [...hiddenAuthorIds];
    query
      .whereNotIn('c.author_id', ids)
      .whereRaw('(c.parent_id is null or not exists (select 1 from comments p where p.id = c.parent_id and p.author_id = any(?)))', [ids]);
  }
  return query;
}

export async function listCommentsOfPost(db: Db, postId: number, filter: CommentFilter = {}): Promise<CommentView[]> {
  return commentsOfPostQuery(db, postId, filter);
}

export async function countRepliesOf(db: Db, commentId: number): Promise<number> {
  const row = await db('comments').where({ parent_id: commentId }).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function deleteCommentRow(db: Db, id: number): Promise<void> {
  await db('comments').where({ id }).delete();
}

/** The placeholder of a top-level comment that still has replies: its words go, its place stays. */
export async function markCommentDeleted(db: Db, id: number): Promise<void> {
  await db('comments').where({ id }).update({ body: '', deleted_at: db.fn.now() });
}
