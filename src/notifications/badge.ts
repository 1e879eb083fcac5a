import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import { BADGE_LIMIT, countUnread } from './queries.js';

/**
 * The unread count in the header of every signed-in page. It is counted only when a page is
 * really rendered (not for streams, JSON or redirects), just before rendering, so a page
 * that marks notifications read shows the count after; one query, stopped at "9+" on the
 * index of unread rows. A failed count shows no badge rather than failing the page.
 */
export function unreadBadge(db: Db, log: Pick<Logger, 'warn'>): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return next();
    const userId = req.user.id;
    const render = res.render.bind(res) as (...args: unknown[]) => void;
    res.render = ((...args: unknown[]) => {
      countUnread(db, userId).then(
        (n) => {
          res.locals.unreadNotifications = n > BADGE_LIMIT ? `${BADGE_LIMIT}+` : n ? String(n) : '';
          render(...args);
        },
        (err: unknown) => {
          log.warn({ err, userId }, 'unread notifications not counted');
          render(...args);
        },
      );
    });
    next();
  };
}
