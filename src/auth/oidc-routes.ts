import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { findLoginById } from '../users/queries.js';
import { requireFormBody } from '../web/clean-input.js';
import { issueCsrfToken } from '../web/csrf.js';
import { BadRequest, NotFound, RateLimited, ValidationFailed, type FieldErrors, messageOf } from '../web/errors.js';
import { withRetryAfter } from '../web/handler.js';
import { validate } from '../web/validate.js';
import { addressOf, countFailedSignIn, countSignUp, forgiveSignInFailures, refuseLimitedAccount } from './attempt-limits.js';
import { safeNext } from './next-path.js';
import { createAccountFromIdentity, linkIdentity, resolveIdentity, type PendingIdentity } from './oidc-accounts.js';
import type { OidcProvider, SignInFlow } from './oidc-client.js';
import { verifyPassword } from './password.js';
import { signupSchema } from './schemas.js';
import { logIn, sendSignedInOn, sessionUser } from './sign-in.js';
import { languageOf } from '../web/i18n.js';
import { setUserLanguage } from '../users/language-queries.js';

declare module 'express-session' {
  interface SessionData {
    /** A provider sign-in under way (between /auth/:provider and its callback); used once. */
    oidcFlow?: SignInFlow;
    /** An identity that came back and still needs a nickname or proof of the account it matches. */
    oidcPending?: PendingIdentity;
  }
}

/** A flow or pending identity older than this is stale: start again. */
const FLOW_TTL_MS = 15 * 60_000;
const STALE = 'This sign-in has expired or was already used. Please start again.';

const welcomeSchema = z.object({ nickname: signupSchema.shape.nickname });
const linkSchema = z.object({ password: z.string().min(1, 'Enter your SoundHub password.').max(200) });

/**
 * Sign-in with OpenID Connect providers: /auth/:provider sends the browser to the provider,
 * the callback checks what comes back, then /auth/welcome (a new musician picks a nickname) or
 * /auth/link (an account with the same email exists: its password proves it is theirs).
 */
export function oidcRoutes({ db, config }: Deps, providers: Map<string, OidcProvider>): Router {
  const router = Router();
  const limits = config.authLimits;
  const pendingOf = (req: Request, kind: 'new' | 'existing') => {
    const p = req.session.oidcPending;
    if (!p || Date.now() - p.at > FLOW_TTL_MS || (kind === 'existing') !== (p.existingUserId !== undefined)) return undefined;
    return p;
  };
  const finish = async (req: Request, res: Response, user: Express.User, next: string) => {
    delete req.session.oidcPending;
    await logIn(req, user);
    res.redirect(303, next);
  };

  // Before /auth/:provider, which would otherwise take these names as provider ids.
  router.get('/auth/welcome', sendSignedInOn, issueCsrfToken, (req, res) => {
    const pending = pendingOf(req, 'new');
    if (!pending) return res.redirect(303, '/login');
    res.render('auth/welcome', { title: 'Welcome', pending: presentPending(pending), values: { nickname: pending.suggestedNickname }, errors: {} });
  });

  router.post('/auth/welcome', requireFormBody, async (req, res) => {
    const pending = pendingOf(req, 'new');
    if (!pending) throw new BadRequest(STALE);
    const again = (status: number, errors: FieldErrors) =>
      res.status(status).render('auth/welcome', { title: 'Welcome', pending: presentPending(pending), values: { nickname: String(req.body.nickname ?? '') }, errors });
    try {
      await countSignUp(db, limits, { address: addressOf(req.ip) });
      const { nickname } = validate(welcomeSchema, req.body);
      const user = await createAccountFromIdentity({ pending, nickname }, { db });
      await setUserLanguage(db, user.id, languageOf(req));
      await finish(req, res, sessionUser(user), pending.next);
    } catch (err) {
      return refuseForm(err, res, again);
    }
  });

  router.get('/auth/link', sendSignedInOn, issueCsrfToken, async (req, res) => {
    const pending = pendingOf(req, 'existing');
    const account = pending && (await findLoginById(db, pending.existingUserId!));
    if (!pending || !account) return res.redirect(303, '/login');
    res.render('auth/link', { title: 'Link your account', pending: presentPending(pending), account: { nickname: account.nickname, hasPassword: account.password_hash !== null }, errors: {} });
  });

  router.post('/auth/link', requireFormBody, async (req, res) => {
    const pending = pendingOf(req, 'existing');
    const account = pending && (await findLoginById(db, pending.existingUserId!));
    if (!pending || !account) throw new BadRequest(STALE);
    const again = (status: number, errors: FieldErrors) =>
      res.status(status).render('auth/link', { title: 'Link your account', pending: presentPending(pending), account: { nickname: account.nickname, hasPassword: account.password_hash !== null }, errors });
    try {
      const { password } = validate(linkSchema, req.body);
      // The same counts as the login form: this is a password check on the same account.
      await refuseLimitedAccount(db, limits, account.email);
      if (!account.password_hash || !(await verifyPassword(account.password_hash, password))) {
        const refusal = await countFailedSignIn(db, limits, { email: account.email, address: addressOf(req.ip) }, (msg) => req.log.warn(msg));
        if (refusal) throw refusal;
        return again(401, { password: 'That is not the password of this account.' });
      }
      await forgiveSignInFailures(db, account.email);
      await linkIdentity({ pending, userId: account.id }, { db });
      await finish(req, res, sessionUser(account), pending.next);
    } catch (err) {
      return refuseForm(err, res, again);
    }
  });

  router.get('/auth/:provider', sendSignedInOn, async (req, res) => {
    const provider = providers.get(String(req.params.provider));
    if (!provider) throw new NotFound('SoundHub does not sign in with that provider.');
    const { url, flow } = await provider.start(safeNext(req.query.next));
    req.session.oidcFlow = flow;
    delete req.session.oidcPending;
    res.redirect(303, url);
  });

  router.get('/auth/:provider/callback', sendSignedInOn, async (req, res) => {
    const provider = providers.get(String(req.params.provider));
    if (!provider) throw new NotFound('SoundHub does not sign in with that provider.');
    // Used once: a replayed or second callback finds nothing to match.
    const flow = req.session.oidcFlow;
    delete req.session.oidcFlow;
    if (!flow || flow.provider !== provider.id || Date.now() - flow.startedAt > FLOW_TTL_MS) throw new BadRequest(STALE);
    const claims = await provider.finish(new URL(req.originalUrl, config.oidcRedirectOrigin), flow);
    const outcome = await resolveIdentity(claims, { provider: provider.id, providerName: provider.name, next: flow.next }, { db });
    if (outcome.kind === 'signed-in') return finish(req, res, sessionUser(outcome.user), flow.next);
    req.session.oidcPending = outcome.pending;
    res.redirect(303, outcome.kind === 'choose-nickname' ? '/auth/welcome' : '/auth/link');
  });

  return router;
}

const presentPending = (p: PendingIdentity) => ({ providerName: p.providerName, email: p.email });

/** A refused form page: its fields (422) or too many tries (429 with Retry-After); any other error goes on. */
function refuseForm(err: unknown, res: Response, again: (status: number, errors: FieldErrors) => void): void {
  if (err instanceof ValidationFailed) return again(422, err.fields);
  if (err instanceof RateLimited) {
    withRetryAfter(res, err);
    return again(429, { form: messageOf(err) });
  }
  throw err;
}
