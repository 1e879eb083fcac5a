import type { RequestHandler } from 'express';
import { Unavailable } from './errors.js';

/**
 * A request that has not started its answer after `requestMs` (or `uploadMs` for a
 * multipart upload, which may take long on a slow line) is answered 503, so a stuck query
 * or S3 call never holds a browser for ever. Once the answer has started (a long audio
 * stream), the limit no longer applies; the socket's own timeouts do. Node's
 * server.requestTimeout (main.ts) bounds receiving the request body.
 */
export function timeLimit({ requestMs, uploadMs }: { requestMs: number; uploadMs: number }): RequestHandler {
  return (req, res, next) => {
    const upload = (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
    const ms = upload ? uploadMs : requestMs;
    const timer = setTimeout(() => {
      if (res.headersSent || res.destroyed) return;
      req.log.warn({ limitMs: ms, upload }, 'request took too long');
      next(new Unavailable('This took too long to answer. Please try again in a moment.'));
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
