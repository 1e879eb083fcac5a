import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { HttpError, NotFound, RateLimited, unavailableFrom, type FieldErrors } from './errors.js';
import { languageOf, tFor, toLanguage, translateMessage, type Language } from './i18n.js';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFound());

/** Seconds a client is asked to wait after a 503 (the database or S3 restarting). */
export const RETRY_AFTER_SECONDS = 30;

/** A refusal for trying too often says when to try again, on a form page as on the error page. */
export function withRetryAfter(res: Response, err: RateLimited): Response {
  return res.set('Retry-After', String(err.retryAfterSeconds));
}

/** The one place errors become responses: HTML for pages, JSON for fetch/API callers. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  // The client went away (closed the tab, skipped the track): nobody to answer, nothing broke.
  if (res.destroyed || req.socket.destroyed) {
    req.log.debug({ err: { message: (err as Error)?.message, code: (err as NodeJS.ErrnoException)?.code } }, 'client went away');
    return;
  }
  // A late error from a handler whose request was already answered (its time limit ran out).
  if (res.writableEnded) {
    req.log.debug({ err }, 'error after the response was sent');
    return;
  }
  const known = err instanceof HttpError ? err : (unavailableFrom(err) ?? fromLibrary(err));
  if (!known) req.log.error({ err }, 'unhandled error');
  else if (known.status === 503) req.log.warn({ err }, 'service unavailable');
  const status = known?.status ?? 500;
  const code = known?.code ?? 'internal';
  // The error may come before the language middleware ran (an upload's file filter, a body parser).
  const lng: Language = toLanguage(res.locals.lang) ?? languageOf(req);
  const message = translateMessage(lng, known?.message ?? 'Something went wrong on our side. It has been logged; please try again.', known?.params);
  const fields = known && 'fields' in known && known.fields ? translateFields(lng, known.fields as FieldErrors) : undefined;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Headers a streaming route set before it failed must not describe the error page.
  for (const h of ['Content-Type', 'Content-Length', 'Content-Range', 'Content-Disposition', 'Accept-Ranges', 'ETag', 'Cache-Control']) res.removeHeader(h);
  res.status(status);
  if (status === 503) res.set({ 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' });
  if (known instanceof RateLimited) withRetryAfter(res, known);
  const wantsJson = req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json');
  if (wantsJson) {
    res.json({ error: { code, message, ...(fields ? { fields } : {}), requestId: req.id } });
    return;
  }
  const title = translateMessage(lng, status === 404 ? 'Not found' : status === 503 ? 'Briefly unavailable' : status === 429 ? 'Too many tries' : 'Error');
  res.render('error', { title, status, message, requestId: req.id, lang: lng, t: tFor(lng) }, (renderErr, html) => {
    // If the error page itself fails, still answer something readable.
    if (renderErr) res.type('text').send(`${status} ${message}`);
    else res.send(html);
  });
};

/** Field errors (English text as key) in the page's language. */
export function translateFields(lng: Language, fields: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, translateMessage(lng, v)]));
}

/** Errors thrown by body parsers and the like carry a status of their own. */
function fromLibrary(err: unknown): HttpError | undefined {
  const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; code?: string };
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500 && e.expose !== false) {
    return new HttpError(status, e.code ?? 'bad_request', status === 403 ? 'Your form expired or was sent from another site. Reload the page and try again.' : (e.message ?? 'Bad request'));
  }
  return undefined;
}
