import type { RequestHandler } from 'express';
import type { Db } from '../db/knex.js';
import { countUnreadMessages } from './queries.js';

/**
 * The header's unread count (`unreadMessages` in every view) for a signed-in musician. Counted
 * only when a page is rendered, not for streams, JSON or redirects: one indexed query per page.
 * An error page after a failure (5xx) goes without it, and so does a page whose count fails:
 * the badge is not worth a broken page.
 */
export function unreadMessagesBadge(db: Db): RequestHandler {
  return (req, res, next) => {
    const userId = req.user?.id;
    if (userId === undefined) return next();
    const render = res.render.bind(res);
    type Done = (err: Error, html: string) => void;
    res.render = (view: string, options?: object | Done, callback?: Done) => {
      const counted = res.statusCode >= 500 ? Promise.resolve() : countUnreadMessages(db, userId).then((n) => void (res.locals.unreadMessages = n));
      counted
        .catch((err: unknown) => req.log.warn({ err, userId }, 'unread message count failed; page shown without it'))
        .then(() => (typeof options === 'function' ? render(view, options) : render(view, options, callback)))
        .catch((err: unknown) => req.next?.(err));
    };
    next();
  };
}
