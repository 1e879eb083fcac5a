import { Router, type RequestHandler } from 'express';
import { NotFound } from '../web/errors.js';
import { listOutbox, readOutbox } from './outbox.js';

/**
 * Only from this machine: the outbox holds working sign-in links, and a development
 * server may listen on every interface (HOST=0.0.0.0).
 */
const onlyLoopback: RequestHandler = (req, _res, next) => {
  const from = req.socket.remoteAddress ?? '';
  next(from === '127.0.0.1' || from === '::1' || from === '::ffff:127.0.0.1' ? undefined : new NotFound());
};

/** GET /dev/mail: the local outbox's messages, newest first, and each one's text. Mounted on embedded defaults only (app.ts). */
export function devMailRoutes(outboxDir: string): Router {
  const router = Router();
  router.get('/dev/mail', onlyLoopback, async (_req, res) => {
    res.render('dev/mail', { title: 'Outbox', messages: await listOutbox(outboxDir), message: undefined });
  });
  router.get('/dev/mail/:id', onlyLoopback, async (req, res) => {
    const message = await readOutbox(outboxDir, String(req.params.id));
    if (!message) throw new NotFound('No message with that id in the outbox.');
    res.render('dev/mail', { title: message.subject, messages: undefined, message });
  });
  return router;
}
