import { Router, type Request, type Response } from 'express';
import { findContributionById } from '../contributions/queries.js';
import type { Deps } from '../deps.js';
import { loadPost } from '../posts/load.js';
import type { PostSummary } from '../posts/queries.js';
import { findTrackById } from '../tracks/queries.js';
import { requireUser, requireVerified } from '../web/auth-guard.js';
import { ValidationFailed, type FieldErrors } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { createComment, type CreatedComment } from './create.js';
import { deleteComment } from './delete.js';
import { loadComment } from './load.js';
import type { CommentRow } from './queries.js';
import { commentSchema } from './schemas.js';
import { commentView, partPlace, songPlace, topView, type CommentFormState } from './view-models.js';
import { languageOf } from '../web/i18n.js';

/** Renders the post page again with a comment form's problem in it (the page is built above this part). */
export type ShowPostPage = (req: Request, res: Response, post: PostSummary, status: number, form: CommentFormState) => Promise<void>;

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
const field = (body: unknown, name: string) => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

/** Which form on the post page a request came from, and what was typed in it. */
function sentForm(body: unknown, errors: FieldErrors): CommentFormState {
  const parent = field(body, 'parent').trim();
  const contribution = field(body, 'contribution').trim();
  return { target: parent ? `reply-${parent}` : contribution ? `part-${contribution}` : 'song', values: { body: field(body, 'body'), at: field(body, 'at') }, errors };
}

/** What the app does after a comment is stored (notifications): never undoes the comment. */
export interface CommentHooks {
  onCommented?: (created: CreatedComment) => Promise<unknown>;
}

export function commentRoutes({ db }: Deps, showPostPage: ShowPostPage, hooks: CommentHooks = {}): Router {
  const router = Router();

  // A comment on the song, on one of its parts (`contribution`), or a reply (`parent`).
  router.post('/posts/:id/comments', requireVerified, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    let created;
    try {
      created = await createComment(post, validate(commentSchema, req.body), { db, actor: req.user! });
    } catch (err) {
      if (err instanceof ValidationFailed && !wantsJson(req)) return showPostPage(req, res, post, 422, sentForm(req.body, err.fields));
      throw err;
    }
    const { comment } = created;
    await hooks.onCommented?.(created).catch((err: unknown) => req.log.warn({ err, commentId: comment.id }, 'comment not notified'));
    req.log.info({ postId: post.id, commentId: comment.id, contributionId: comment.contribution_id, parentId: comment.parent_id }, 'comment added');
    if (!wantsJson(req)) return res.redirect(303, `/posts/${post.id}#comment-${comment.id}`);
    res.status(201).json({ comment: { id: comment.id, parentId: comment.parent_id, contributionId: comment.contribution_id, atMs: comment.at_ms }, html: await renderComment(req, res, post, comment) });
  });

  router.post('/comments/:id/delete', requireUser, async (req, res) => {
    const { comment, post } = await loadComment(db, req.params.id);
    const outcome = await deleteComment(comment, post, { db, actor: req.user! });
    req.log.info({ postId: post.id, commentId: comment.id, outcome: outcome.kind }, 'comment deleted');
    if (wantsJson(req)) return res.json(outcome);
    res.redirect(303, `/posts/${post.id}#${comment.contribution_id === null ? 'comments' : `contribution-${comment.contribution_id}`}`);
  });

  /** The new comment as the page shows it, for the client to put in place without a reload. */
  async function renderComment(req: Request, res: Response, post: PostSummary, comment: CommentRow): Promise<string> {
    let place = songPlace(post);
    if (comment.contribution_id !== null) {
      const part = await findContributionById(db, comment.contribution_id);
      const track = part && (await findTrackById(db, part.track_id));
      if (part && track) place = partPlace(part.id, track);
    }
    const row = { ...comment, author_nickname: req.user!.nickname };
    const ctx = { postId: post.id, postAuthorId: post.author_id, viewer: req.user, song: place, parts: new Map(), lang: languageOf(req) };
    const locals = comment.parent_id === null ? { comment: topView(row, [], place, ctx), reply: false, canComment: true } : { comment: commentView(row, place, ctx), reply: true };
    return new Promise((resolve, reject) => res.render('comments/_comment', locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? ''))));
  }

  return router;
}
