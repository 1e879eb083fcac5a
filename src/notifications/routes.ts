import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { timeAgo } from '../web/format.js';
import { languageOf } from '../web/i18n.js';
import { decodeCursor, encodeCursor } from '../web/pagination.js';
import { validate } from '../web/validate.js';
import { setDigestMail, wantsDigestMail } from './digest-queries.js';
import { presentNotification } from './present.js';
import { listNotifications, markNotificationsRead } from './queries.js';

const PAGE_SIZE = 20;

const digestSchema = z.object({ digest: z.enum(['1', '0'], { error: 'Say digest=1 or digest=0.' }) });

export function notificationRoutes({ db }: Deps): Router {
  const router = Router();

  // Newest first, keyset paginated. Opening the page is reading it: the ones shown are
  // marked read after they were loaded, so this page still shows which ones are new.
  router.get('/notifications', requireUser, async (req, res) => {
    const rows = await listNotifications(db, req.user!.id, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const shown = rows.slice(0, PAGE_SIZE);
    await markNotificationsRead(db, req.user!.id, shown.filter((r) => r.read_at === null).map((r) => r.id));
    const last = shown.at(-1);
    res.render('notifications/index', {
      title: 'Notifications',
      notifications: shown.map((r) => presentNotification(r, languageOf(req))).map((n) => ({ ...n, when: timeAgo(n.at, languageOf(req)) })),
      olderUrl: rows.length > PAGE_SIZE && last ? `/notifications?before=${encodeCursor({ created_at: last.updated_at, id: last.id })}` : null,
    });
  });

  router.get('/settings/notifications', requireUser, async (req, res) => {
    res.render('settings/notifications', { title: 'Notification settings', section: 'notifications', digest: await wantsDigestMail(db, req.user!.id), notice: null });
  });

  router.post('/settings/notifications', requireUser, async (req, res) => {
    const on = validate(digestSchema, req.body).digest === '1';
    await setDigestMail(db, req.user!.id, on);
    res.render('settings/notifications', {
      title: 'Notification settings',
      section: 'notifications',
      digest: on,
      notice: on ? 'You will get at most one digest mail an hour.' : 'No more digest mails. Your notifications stay here on the site.',
    });
  });

  return router;
}
