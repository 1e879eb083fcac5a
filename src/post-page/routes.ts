import { Router } from 'express';
import type { Deps } from '../deps.js';
import { loadPost } from '../posts/load.js';
import { buildPostPage } from './page.js';

/**
 * GET /posts/:id, the one page that gathers posts, contributions and mixes. It sits above
 * all three parts so none of them has to import another to its right (docs/ARCHITECTURE.md).
 */
export function postPageRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/posts/:id', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    res.render('posts/show', { title: post.title, ...(await buildPostPage(db, post, req.user)) });
  });

  return router;
}
