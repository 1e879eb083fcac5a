import { Router } from 'express';
import type { Deps } from '../deps.js';
import { listNewestPosts } from '../posts/queries.js';
import { presentPostCard } from '../posts/view-models.js';
import { NotFound } from '../web/errors.js';
import { formatDate } from '../web/format.js';
import { decodeCursor, page } from '../web/pagination.js';
import { findUserByNickname } from './queries.js';

const PAGE_SIZE = 20;

export function userRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/users/:nickname', async (req, res) => {
    const user = await findUserByNickname(db, req.params.nickname);
    if (!user) throw new NotFound('There is no musician with that name.');
    const rows = await listNewestPosts(db, { authorId: user.id, before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    res.render('users/show', {
      title: user.nickname,
      profile: { nickname: user.nickname, bio: user.bio, joined: formatDate(user.created_at), isSelf: req.user?.id === user.id },
      posts: items.map(presentPostCard),
      olderUrl: next ? `/users/${encodeURIComponent(user.nickname)}?before=${next}` : null,
    });
  });

  return router;
}
