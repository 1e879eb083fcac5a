import type { RequestHandler } from 'express';

declare module 'express-session' {
  interface SessionData {
    /** When the session was last extended (ms); changing it is what makes express-session save. */
    touchedAt?: number;
  }
}

/**
 * Keeps a used session alive without writing its row on every request. express-session runs
 * with `rolling: false` and the store with `disableTouch`, so an unchanged session is never
 * written; here a session whose last write is older than `intervalMs` gets a new `touchedAt`,
 * which saves the row with a fresh expiry and sends the cookie again with the same. The last
 * write is read off the cookie itself (expires − maxAge): no extra column, no extra query.
 * A session just created has its whole lifetime ahead, so a first visit writes nothing here.
 */
export function touchSessionEvery(intervalMs: number): RequestHandler {
  return (req, _res, next) => {
    const cookie = req.session?.cookie;
    if (cookie?.expires && cookie.originalMaxAge) {
      const lastWrite = cookie.expires.getTime() - cookie.originalMaxAge;
      if (Date.now() - lastWrite >= intervalMs) req.session.touchedAt = Date.now();
    }
    next();
  };
}
