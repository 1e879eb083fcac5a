import { Router } from 'express';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { setPostLiked } from './like-queries.js';
import { loadPost } from './load.js';

/** Wired in by the app from a part above this one: told of each like (notifications). */
export interface PostLikeHooks {
  onLiked?: (like: { postId: number; actorId: number }) => Promise<unknown>;
}

export function postLikeRoutes({ db }: Deps, hooks: PostLikeHooks = {}): Router {
  const router = Router();

  // on=1 likes, on=0 takes the like back; either one twice changes nothing the second time.
  router.post('/posts/:id/like', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const on = readToggle(req);
    const state = await setPostLiked(db, req.user!.id, post.id, on);
    // The like stands whatever its notification does.
    if (on) await hooks.onLiked?.({ postId: post.id, actorId: req.user!.id }).catch((err: unknown) => req.log.warn({ err, postId: post.id }, 'like not notified'));
    answerToggle(req, res, state, `/posts/${post.id}`);
  });

  return router;
}
