import { Router, type Request, type Response } from 'express';
import rateLimit, { ipKeyGenerator, type Options } from 'express-rate-limit';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { requireUser, UNVERIFIED_MESSAGE } from '../web/auth-guard.js';
import { issueCsrfToken } from '../web/csrf.js';
import { HttpError, ValidationFailed, type FieldErrors } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { findUserById } from '../users/queries.js';
import { confirmEmailLink, LINK_PROBLEMS, requestEmailChange, resetPasswordFromLink, type LinkOutcome } from './email-links.js';
import { safeNext } from './next-path.js';
import { logIn } from './sign-in.js';
import { signupSchema } from './schemas.js';
import { checkToken } from './tokens.js';

// Per-process counts, like the sign-in limiter: they bound how much mail one person can
// make SoundHub send. Each answers 429 with Retry-After.
const limiter = (limit: number, keyGenerator: Options['keyGenerator'], message: string) =>
  rateLimit({
    windowMs: 15 * 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator,
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', message)),
  });
const resendLimiter = limiter(3, (req) => `resend:${req.user!.id}`, 'We already sent you several links. Wait a few minutes, and look in your spam folder.');
const forgotPerAddress = limiter(3, (req) => `forgot:${String(req.body?.email ?? '').trim().toLowerCase()}`, 'Several links were sent to that address already. Wait a few minutes, and look in your spam folder.');
const forgotPerClient = limiter(20, (req) => `forgot-ip:${ipKeyGenerator(req.ip ?? '')}`, 'Too many requests from your network. Wait a few minutes and try again.');
const changeEmailLimiter = limiter(5, (req) => `change-email:${req.user!.id}`, 'Too many tries. Wait a few minutes and try again.');

const forgotSchema = z.object({ email: signupSchema.shape.email });
const resetSchema = z.object({ password: signupSchema.shape.password });
const changeEmailSchema = z.object({ email: signupSchema.shape.email, password: z.string().min(1, 'Enter your current password.') });

const notice = (res: Response, status: number, title: string, text: string, action?: { href: string; label: string }) => res.status(status).render('auth/notice', { title, text, action });

/** A link that did not work gets its own clear page (400 or 410), never an error page. */
function linkProblem(res: Response, outcome: Extract<LinkOutcome<unknown>, { ok: false }>, again: { href: string; label: string }) {
  const p = LINK_PROBLEMS[outcome.problem];
  res.status(p.status).render('auth/notice', { title: p.title, text: p.text, action: again });
}
const newVerifyLink = { href: '/settings/email', label: 'Get a new link' };
const newResetLink = { href: '/password/forgot', label: 'Get a new link' };

/** Verification, password reset and email change: the pages behind the links SoundHub mails. */
export function emailRoutes({ db, jobs }: Deps): Router {
  const router = Router();

  router.get('/signup/sent', (req, res) =>
    notice(res, 200, 'Check your inbox', 'We sent a link to the address you gave. Follow it to confirm your email; then you can post songs and add parts. You can log in and listen right away.', {
      href: `/login?next=${encodeURIComponent(safeNext(req.query.next))}`,
      label: 'Log in',
    }),
  );

  // Following a link only shows a button: mail scanners that open every link must not spend it.
  router.get('/verify-email', issueCsrfToken, async (req, res) => {
    if (req.query.done === 'verified') return notice(res, 200, 'Email confirmed', 'Thank you: your address is confirmed, and you can post songs and add parts now.', req.user ? { href: '/posts/new', label: 'Post a song' } : { href: '/login', label: 'Log in' });
    if (req.query.done === 'changed') return notice(res, 200, 'Email changed', 'Your account uses its new address from now on; log in with it next time.', { href: '/', label: 'Back to SoundHub' });
    if (req.query.resent === '1') return notice(res, 200, 'Link sent', 'We sent a new link. It may take a minute to arrive; look in your spam folder too.');
    const checked = await checkToken(db, req.query.token, ['verify-email', 'change-email']);
    if (!checked.ok) return linkProblem(res, checked, newVerifyLink);
    const change = checked.token.purpose === 'change-email';
    res.render('auth/verify-email', { title: change ? 'Confirm your new email' : 'Confirm your email', token: req.query.token, email: change ? checked.token.new_email : checked.token.email, change });
  });

  router.post('/verify-email', async (req, res) => {
    const outcome = await confirmEmailLink(db, req.body?.token);
    if (!outcome.ok) return linkProblem(res, outcome, newVerifyLink);
    req.log.info({ outcome: outcome.value }, 'email confirmed');
    res.redirect(303, `/verify-email?done=${outcome.value}`);
  });

  router.post('/verify-email/resend', requireUser, resendLimiter, async (req, res) => {
    if (req.user!.verified) return res.redirect(303, '/verify-email?done=verified');
    await jobs.sendMail({ kind: 'verify-email', userId: req.user!.id });
    if (req.accepts(['html', 'json']) === 'json') return res.status(202).json({ sent: true });
    res.redirect(303, '/verify-email?resent=1');
  });

  router.get('/password/forgot', issueCsrfToken, (req, res) =>
    req.query.sent === '1'
      ? notice(res, 200, 'Check your inbox', 'If that address has a SoundHub account, a link to choose a new password is on its way. It works once, for one hour.')
      : res.render('password/forgot', { title: 'Forgot your password', values: {}, errors: {} }),
  );

  // The same answer whether or not the address has an account: the worker looks it up.
  router.post('/password/forgot', forgotPerClient, forgotPerAddress, async (req, res) => {
    try {
      const { email } = validate(forgotSchema, req.body ?? {});
      await jobs.sendMail({ kind: 'password-reset', email });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return res.status(422).render('password/forgot', { title: 'Forgot your password', values: { email: req.body?.email ?? '' }, errors: err.fields });
    }
    res.redirect(303, '/password/forgot?sent=1');
  });

  router.get('/password/reset', issueCsrfToken, async (req, res) => {
    if (req.query.done === '1') return notice(res, 200, 'Password changed', 'Your new password is set. You are signed in here, and every other session of your account was signed out.', { href: '/', label: 'Back to SoundHub' });
    const checked = await checkToken(db, req.query.token, ['reset-password']);
    if (!checked.ok) return linkProblem(res, checked, newResetLink);
    res.render('password/reset', { title: 'Choose a new password', token: req.query.token, errors: {} });
  });

  router.post('/password/reset', async (req: Request, res: Response) => {
    let password: string;
    try {
      password = validate(resetSchema, req.body ?? {}).password;
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const checked = await checkToken(db, req.body?.token, ['reset-password']);
      if (!checked.ok) return linkProblem(res, checked, newResetLink);
      return res.status(422).render('password/reset', { title: 'Choose a new password', token: req.body.token, errors: err.fields });
    }
    const outcome = await resetPasswordFromLink(db, req.body?.token, password);
    if (!outcome.ok) return linkProblem(res, outcome, newResetLink);
    const user = await findUserById(db, outcome.value.userId);
    if (user) await logIn(req, { id: user.id, nickname: user.nickname, email: user.email, verified: user.verified });
    req.log.info({ userId: outcome.value.userId }, 'password reset; other sessions ended');
    res.redirect(303, '/password/reset?done=1');
  });

  const renderChange = (req: Request, res: Response, status: number, values: Record<string, string>, errors: FieldErrors, sent = false) =>
    res.status(status).render('auth/change-email', { title: 'Change your email', email: req.user!.email, verified: req.user!.verified, unverifiedMessage: UNVERIFIED_MESSAGE, values, errors, sent });

  router.get('/settings/email', requireUser, (req, res) => renderChange(req, res, 200, {}, {}, req.query.sent === '1'));

  router.post('/settings/email', requireUser, changeEmailLimiter, async (req, res) => {
    try {
      const input = validate(changeEmailSchema, req.body ?? {});
      await requestEmailChange({ userId: req.user!.id, currentEmail: req.user!.email, newEmail: input.email, password: input.password }, { db, jobs });
    } catch (err) {
      if (!(err instanceof ValidationFailed) || req.accepts(['html', 'json']) === 'json') throw err;
      return renderChange(req, res, 422, { email: String(req.body?.email ?? '') }, err.fields);
    }
    if (req.accepts(['html', 'json']) === 'json') return res.status(202).json({ sent: true });
    res.redirect(303, '/settings/email?sent=1');
  });

  return router;
}
