import type { RequestHandler } from 'express';
import { Unauthorized } from './errors.js';

/** Pages send a visitor to log in and come back; fetch/API callers get 401. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new Unauthorized());
};
