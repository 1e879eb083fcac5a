import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PassportStatic } from 'passport';
import type { Deps } from '../deps.js';
import { requireFormBody } from '../web/clean-input.js';
import { issueCsrfToken } from '../web/csrf.js';
import { RateLimited, ValidationFailed, type FieldErrors, messageOf } from '../web/errors.js';
import { withRetryAfter } from '../web/handler.js';
import { validate } from '../web/validate.js';
import { addressOf, countFailedSignIn, countSignUp, forgiveSignInFailures, refuseLimitedAccount } from './attempt-limits.js';
import { safeNext, withNext } from './next-path.js';
import type { OidcProvider } from './oidc-client.js';
import { loginSchema, signupSchema } from './schemas.js';
import { logIn, sendSignedInOn } from './sign-in.js';
import { signUp } from './signup.js';
import { languageOf } from '../web/i18n.js';

export function authRoutes({ db, config, jobs }: Deps, passport: PassportStatic, providers: Map<string, OidcProvider>): Router {
  const router = Router();
  const limits = config.authLimits;
  /** What both pages show besides the form: the provider buttons and the link to the other page, all keeping `next`. */
  const page = (next: string) => ({
    next,
    providers: [...providers.values()].map((p) => ({ name: p.name, url: withNext(`/auth/${p.id}`, next) })),
    loginUrl: withNext('/login', next),
    signupUrl: withNext('/signup', next),
  });
  const signupPage = (res: Response, status: number, next: string, values: Record<string, string>, errors: FieldErrors) =>
    res.status(status).render('auth/signup', { title: 'Sign up', values, errors, ...page(next) });
  const loginPage = (res: Response, status: number, next: string, values: Record<string, string>, errors: FieldErrors) =>
    res.status(status).render('auth/login', { title: 'Log in', values, errors, ...page(next) });

  router.get('/signup', sendSignedInOn, issueCsrfToken, (req, res) => signupPage(res, 200, safeNext(req.query.next), {}, {}));

  router.post('/signup', requireFormBody, async (req, res, next) => {
    const values = { email: req.body.email ?? '', nickname: req.body.nickname ?? '' };
    const after = safeNext(req.body.next);
    try {
      await countSignUp(db, limits, { email: typeof req.body.email === 'string' ? req.body.email : undefined, address: addressOf(req.ip) });
      const input = validate(signupSchema, req.body);
      // Not signed in yet: a taken email must get the very same answer (src/auth/signup.ts).
      await signUp(input, { db, jobs }, languageOf(req));
      res.redirect(303, `/signup/sent?next=${encodeURIComponent(after)}`);
    } catch (err) {
      if (err instanceof RateLimited) return signupPage(withRetryAfter(res, err), 429, after, values, { form: messageOf(err) });
      if (!(err instanceof ValidationFailed)) return next(err);
      signupPage(res, 422, after, values, err.fields);
    }
  });

  router.get('/login', sendSignedInOn, issueCsrfToken, (req, res) => loginPage(res, 200, safeNext(req.query.next), {}, {}));

  router.post('/login', requireFormBody, (req: Request, res: Response, next: NextFunction) => {
    const values = { email: req.body.email ?? '' };
    const after = safeNext(req.body.next);
    const again = (status: number, errors: FieldErrors) => loginPage(res, status, after, values, errors);
    const limited = (err: RateLimited) => loginPage(withRetryAfter(res, err), 429, after, values, { form: messageOf(err) });
    (async () => {
      const input = validate(loginSchema, req.body);
      // A full account count refuses before the password is even checked, from any address.
      await refuseLimitedAccount(db, limits, input.email);
      passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
        if (err) return next(err);
        if (!user) {
          return countFailedSignIn(db, limits, { email: input.email, address: addressOf(req.ip) }, (msg) => req.log.warn(msg)).then(
            (refusal) => (refusal ? limited(refusal) : again(401, { form: info?.message ?? 'Wrong email or password.' })),
            next,
          );
        }
        // A right password signs in even when this address is over its count (see attempt-limits.ts).
        forgiveSignInFailures(db, input.email)
          .then(() => logIn(req, user))
          .then(() => res.redirect(303, after), next);
      })(req, res, next);
    })().catch((err: unknown) => {
      if (err instanceof ValidationFailed) return again(422, err.fields);
      if (err instanceof RateLimited) return limited(err);
      next(err);
    });
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
