import { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { HttpError, ValidationFailed, type FieldErrors } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { changePassword } from './change-password.js';
import { deleteAccount } from './delete-account.js';
import { changePasswordSchema, deleteAccountSchema } from './schemas.js';
import { endOtherSessions } from './session-queries.js';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

// Guessing the current password from a session left open: 10 tries per account per 15 minutes.
// Per process, like the sign-in limit today; both move to the shared store together.
const passwordCheckLimiter = rateLimit({
  windowMs: 15 * 60_000,
  limit: 10,
  keyGenerator: (req) => `user:${req.user?.id ?? 'none'}`,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', 'Too many password tries. Wait 15 minutes and try again.')),
});

const NOTICES: Record<string, string> = {
  password: 'Your password is changed. Every other session was logged out.',
  sessions: 'Every other session was logged out. You are still logged in here.',
};

/** The account page: change password, log out everywhere, delete the account; and the page after it. */
export function accountRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  const render = (res: Response, status: number, errors: FieldErrors, notice?: string) =>
    res.status(status).render('settings/account', { title: 'Account settings', section: 'account', errors, notice: notice ?? null });

  router.get('/settings/account', requireUser, (req, res) => render(res, 200, {}, typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined));

  router.post('/settings/password', requireUser, passwordCheckLimiter, async (req, res) => {
    try {
      const { endedSessions } = await changePassword(req.user!, validate(changePasswordSchema, req.body ?? {}), { db, sessionId: req.sessionID });
      req.log.info({ userId: req.user!.id, endedSessions }, 'password changed');
    } catch (err) {
      if (!(err instanceof ValidationFailed) || wantsJson(req)) throw err;
      return render(res, 422, err.fields);
    }
    if (wantsJson(req)) return res.json({ changed: true });
    res.redirect(303, '/settings/account?done=password');
  });

  // Ends every session but this one: the musician asking is the one who just proved they are here.
  router.post('/settings/logout-everywhere', requireUser, async (req, res) => {
    const ended = await endOtherSessions(db, req.user!.id, req.sessionID);
    req.log.info({ userId: req.user!.id, ended }, 'logged out everywhere else');
    if (wantsJson(req)) return res.json({ ended });
    res.redirect(303, '/settings/account?done=sessions');
  });

  router.post('/settings/delete-account', requireUser, passwordCheckLimiter, async (req, res, next) => {
    try {
      const { password } = validate(deleteAccountSchema, req.body ?? {});
      await deleteAccount(req.user!, password, { ...deps, sessionId: req.sessionID });
    } catch (err) {
      if (!(err instanceof ValidationFailed) || wantsJson(req)) throw err;
      return render(res, 422, err.fields);
    }
    // Every session row is gone already; this clears the cookie and req.user.
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie('soundhub.sid');
        if (wantsJson(req)) return res.json({ deleted: true });
        res.redirect(303, '/account/deleted');
      });
    });
  });

  router.get('/account/deleted', (_req, res) => res.render('auth/account-deleted', { title: 'Account deleted' }));

  return router;
}
