import { Router } from 'express';
import type { Deps } from '../deps.js';
import { avatarView } from '../pictures/present.js';
import { requireUser } from '../web/auth-guard.js';
import { NotFound, ValidationFailed } from '../web/errors.js';
import { timeAgo } from '../web/format.js';
import { decodeCursor, page } from '../web/pagination.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { listBlocked, setBlocked } from './block-queries.js';
import { findUserByNickname } from './queries.js';
import { languageOf } from '../web/i18n.js';

const PAGE_SIZE = 30;

/** POST /users/:nickname/block (on=1 blocks, on=0 unblocks) and the settings list of blocked musicians. */
export function blockRoutes({ db }: Deps): Router {
  const router = Router();

  router.post('/users/:nickname/block', requireUser, async (req, res) => {
    const user = await findUserByNickname(db, String(req.params.nickname));
    if (!user) throw new NotFound('There is no musician with that name.');
    const on = readToggle(req);
    if (user.id === req.user!.id) throw new ValidationFailed({ on: 'You cannot block yourself.' });
    await setBlocked(db, req.user!.id, user.id, on);
    req.log.info({ userId: req.user!.id, otherId: user.id, blocked: on }, on ? 'musician blocked' : 'musician unblocked');
    answerToggle(req, res, { blocked: on }, `/users/${encodeURIComponent(user.nickname)}`);
  });

  router.get('/settings/blocked', requireUser, async (req, res) => {
    const rows = await listBlocked(db, req.user!.id, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    res.render('settings/blocked', {
      title: 'Blocked musicians',
      section: 'blocked',
      musicians: items.map((m) => ({
        nickname: m.nickname,
        url: `/users/${encodeURIComponent(m.nickname)}`,
        avatar: avatarView({ avatarPictureId: m.avatar_picture_id, nickname: m.nickname }),
        since: timeAgo(m.created_at, languageOf(req)),
        unblockUrl: `/users/${encodeURIComponent(m.nickname)}/block`,
      })),
      olderUrl: next ? `/settings/blocked?before=${next}` : null,
    });
  });

  return router;
}
