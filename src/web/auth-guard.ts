import type { RequestHandler } from 'express';
import { Forbidden, Unauthorized } from './errors.js';

/** Pages send a visitor to log in and come back; fetch/API callers get 401. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new Unauthorized());
};

export const UNVERIFIED_MESSAGE = 'Confirm your email address first: follow the link we mailed you, then you can post songs and add parts.';

/**
 * Posting and contributing need a proven address (browsing and listening do not). Runs
 * before any upload is read, so a refused musician's file is never stored. Pages get the
 * reason and a "send the link again" form; fetch/API callers a 403.
 */
export const requireVerified: RequestHandler = (req, res, next) => {
  if (!req.user) return requireUser(req, res, next);
  if (req.user.verified) return next();
  if (req.accepts(['html', 'json']) === 'html') {
    return res.status(403).render('auth/unverified', { title: 'Confirm your email', message: UNVERIFIED_MESSAGE, email: req.user.email, sent: false });
  }
  next(new Forbidden(UNVERIFIED_MESSAGE));
};
