import { Router, type NextFunction, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { PassportStatic } from 'passport';
import type { Deps } from '../deps.js';
import { requireFormBody } from '../web/clean-input.js';
import { issueCsrfToken } from '../web/csrf.js';
import { ValidationFailed } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { loginSchema, signupSchema } from './schemas.js';
import { signUp } from './signup.js';

// Per-process limit; a shared store is a later step (ISSUES: rate limits across instances).
const authLimiter = rateLimit({ windowMs: 15 * 60_000, limit: 30, standardHeaders: 'draft-8', legacyHeaders: false });

/** Only same-site paths: `next` must never send someone to another origin. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

export function authRoutes({ db, jobs }: Deps, passport: PassportStatic): Router {
  const router = Router();

  router.get('/signup', issueCsrfToken, (req, res) => res.render('auth/signup', { title: 'Sign up', values: {}, errors: {}, next: safeNext(req.query.next) }));

  router.post('/signup', authLimiter, requireFormBody, async (req, res, next) => {
    const values = { email: req.body.email ?? '', nickname: req.body.nickname ?? '' };
    try {
      const input = validate(signupSchema, req.body);
      // Not signed in yet: a taken email must get the very same answer (src/auth/signup.ts).
      await signUp(input, { db, jobs });
      res.redirect(303, `/signup/sent?next=${encodeURIComponent(safeNext(req.body.next))}`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) return next(err);
      res.status(422).render('auth/signup', { title: 'Sign up', values, errors: err.fields, next: safeNext(req.body.next) });
    }
  });

  router.get('/login', issueCsrfToken, (req, res) => res.render('auth/login', { title: 'Log in', values: {}, errors: {}, next: safeNext(req.query.next) }));

  router.post('/login', authLimiter, requireFormBody, (req: Request, res: Response, next: NextFunction) => {
    const values = { email: req.body.email ?? '' };
    const again = (status: number, errors: Record<string, string>) =>
      res.status(status).render('auth/login', { title: 'Log in', values, errors, next: safeNext(req.body.next) });
    try {
      validate(loginSchema, req.body);
    } catch (err) {
      if (err instanceof ValidationFailed) return again(422, err.fields);
      return next(err);
    }
    passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) return again(401, { form: info?.message ?? 'Wrong email or password.' });
      // req.login regenerates the session id (passport ≥ 0.6), defeating session fixation.
      logIn(req, user).then(() => res.redirect(303, safeNext(req.body.next)), next);
    })(req, res, next);
  });

  router.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie('soundhub.sid');
        res.redirect(303, '/');
      });
    });
  });

  return router;
}

export function logIn(req: Request, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error('could not start the session')) : resolve())));
}
