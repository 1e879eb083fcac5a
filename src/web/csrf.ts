import { Router, type Request, type RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from './errors.js';

const MESSAGE = 'Your form expired or was sent from another site. Reload the page and try again.';

/**
 * Synchroniser-token CSRF (the token lives in the session). A form sends it as `_csrf`,
 * fetch() as `X-CSRF-Token`.
 *
 * Why a session token and not a signed double-submit cookie (csrf-csrf): a token is minted
 * only where a form is shown (see `csrfLocals`), so a visitor who only reads gets no session
 * row and no cookie either way; the only forms a visitor who is not signed in sees are sign-up
 * and log-in, and those need a session moments later anyway. A double-submit cookie would
 * still need a cookie on exactly those pages, plus a second secret and a dependency.
 */
const csrf = csrfSync({
  // 32 random bytes (256 bits) per session; the default 128 printed 256 hex digits into every
  // form, 20 KB of a song page with a like and a comment form per part.
  size: 32,
  getTokenFromRequest: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
  errorConfig: { statusCode: 403, code: 'csrf_invalid', message: MESSAGE },
});

/**
 * Checks the token of every POST (and other unsafe method), whatever the content type: a
 * multipart body is not parsed here, so its `_csrf` field is unseen and the request is refused.
 * Only routes made with `uploadRoute` come before this check (app.ts).
 */
export const csrfProtection: RequestHandler = csrf.csrfSynchronisedProtection;

/**
 * Puts the token where the layout (meta tag) and forms (hidden field) print it, but only when
 * the request already has a session: a signed-in musician, or a visitor who opened a form.
 * Minting a token stores it in the session, which would give every reader a row and a cookie.
 */
export const csrfLocals: RequestHandler = (req, res, next) => {
  if (req.user || typeof req.session.csrfToken === 'string') res.locals.csrfToken = csrf.generateToken(req);
  next();
};

/** For a page that shows a form to visitors who may not be signed in (sign up, log in). */
export const issueCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = csrf.generateToken(req);
  next();
};

export function verifyUploadCsrf(req: Request): void {
  if (!csrf.isRequestValid(req)) throw new HttpError(403, 'csrf_invalid', MESSAGE);
}

const checksCsrf = new WeakSet<RequestHandler>();

/** Marks a middleware that parses the multipart body itself and calls `verifyUploadCsrf` before storing anything. */
export function checksCsrfItself(handler: RequestHandler): RequestHandler {
  checksCsrf.add(handler);
  return handler;
}

/**
 * A router holding one POST route that parses its own multipart body, so its CSRF check waits
 * for multer to read the `_csrf` field. It is mounted before `csrfProtection`; building it
 * without a middleware marked by `checksCsrfItself` throws at start, so no route can come to
 * skip the check by accident.
 */
export function uploadRoute(path: string, ...handlers: RequestHandler[]): Router {
  if (!handlers.some((h) => checksCsrf.has(h))) throw new Error(`POST ${path}: an upload route needs a middleware that checks the CSRF token itself`);
  const router = Router();
  router.post(path, ...handlers);
  return router;
}
