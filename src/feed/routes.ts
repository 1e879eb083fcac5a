import { Router } from 'express';
import type { Deps } from '../deps.js';
import { listNewestPosts } from '../posts/queries.js';
import { presentPostCard } from '../posts/view-models.js';
import { decodeCursor, page } from '../web/pagination.js';

const PAGE_SIZE = 20;

export function feedRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const before = decodeCursor(req.query.before);
    const rows = await listNewestPosts(db, { before, limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    res.render('feed/home', {
      title: before ? 'Older songs' : 'SoundHub',
      posts: items.map(presentPostCard),
      olderUrl: next ? `/?before=${next}` : null,
      isFirstPage: !before,
    });
  });

  return router;
}
