import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from './errors.js';

/**
 * Synchroniser-token CSRF (the token lives in the session). A form sends it as `_csrf`,
 * fetch() as `X-CSRF-Token`. Multipart bodies are not parsed yet when this runs, so uploads
 * skip it here and are checked by `verifyUploadCsrf` before the first byte goes to S3.
 */
const csrf = csrfSync({
  getTokenFromRequest: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
  skipCsrfProtection: (req) => isMultipart(req),
  errorConfig: { statusCode: 403, code: 'csrf_invalid', message: 'Your form expired or was sent from another site. Reload the page and try again.' },
});

export const csrfProtection: RequestHandler = csrf.csrfSynchronisedProtection;

/** Puts the token where the layout (meta tag) and forms (hidden field) can print it. */
export const csrfLocals: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = csrf.generateToken(req);
  next();
};

export function isMultipart(req: Request): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

export function verifyUploadCsrf(req: Request): void {
  if (!csrf.isRequestValid(req)) {
    throw new HttpError(403, 'csrf_invalid', 'Your form expired or was sent from another site. Reload the page and try again.');
  }
}
