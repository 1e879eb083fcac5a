import type { Request, RequestHandler } from 'express';
import { safeNext } from './next-path.js';

/** Starts the signed-in session; passport (≥ 0.6) regenerates the session id, defeating session fixation. */
export function logIn(req: Request, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error('could not start the session')) : resolve())));
}

export const sessionUser = (user: { id: number; nickname: string; email: string; verified: boolean }): Express.User => ({ id: user.id, nickname: user.nickname, email: user.email, verified: user.verified });

/** Pages for signing in or up have nothing to offer someone signed in: send them on to `next`. */
export const sendSignedInOn: RequestHandler = (req, res, next) => {
  if (req.user) return res.redirect(303, safeNext(req.query.next));
  next();
};
