import { Router } from 'express';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { setPostLiked } from './like-queries.js';
import { loadPost } from './load.js';

export function postLikeRoutes({ db }: Deps): Router {
  const router = Router();

  // on=1 likes, on=0 takes the like back; either one twice changes nothing the second time.
  router.post('/posts/:id/like', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const on = readToggle(req);
    const state = await setPostLiked(db, req.user!.id, post.id, on);
    answerToggle(req, res, state, `/posts/${post.id}`);
  });

  return router;
}
