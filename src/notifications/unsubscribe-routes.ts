import { Router } from 'express';
import type { Deps } from '../deps.js';
import { Forbidden } from '../web/errors.js';
import { setDigestMail } from './digest-queries.js';
import { checkUnsubscribe } from './unsubscribe-link.js';

const BAD_LINK = 'This unsubscribe link is not valid. Turn the digest off in your notification settings instead.';

/**
 * The digest's unsubscribe link, which works without signing in. GET only shows a button
 * (mail scanners open links; opening one must change nothing); its POST turns the mail off.
 *
 * The POST is mounted before the CSRF check, because mail programs send it themselves
 * (List-Unsubscribe-Post, RFC 8058) with no session and no token. That is safe: the signed
 * token in the URL already proves the request comes from the mail, which a forging site
 * cannot read, and the only thing it can do is turn one musician's digest off.
 */
export function unsubscribeRoutes({ db, config }: Deps): Router {
  const router = Router();
  const musicianOf = (query: Record<string, unknown>) => {
    const userId = checkUnsubscribe(config.sessionSecret, query.user, query.token);
    if (userId === undefined) throw new Forbidden(BAD_LINK);
    return userId;
  };
  const action = (query: Record<string, unknown>) => `/notifications/unsubscribe?user=${encodeURIComponent(String(query.user))}&token=${encodeURIComponent(String(query.token))}`;

  router.get('/notifications/unsubscribe', (req, res) => {
    musicianOf(req.query);
    res.render('notifications/unsubscribe', { title: 'Unsubscribe', done: false, action: action(req.query) });
  });

  router.post('/notifications/unsubscribe', async (req, res) => {
    await setDigestMail(db, musicianOf(req.query), false);
    if (req.accepts(['html', 'json']) === 'json') return void res.json({ unsubscribed: true });
    res.render('notifications/unsubscribe', { title: 'Unsubscribed', done: true, action: null });
  });

  return router;
}
