import { Router } from 'express';
import { NotFound } from '../web/errors.js';
import { drawnSvgAt } from './generated.js';

/**
 * The drawn stand-in pictures (generated.ts). A URL holds the words it draws, so its picture
 * never changes: browsers keep it for a year without asking again. Served before sessions,
 * like stored pictures, so the faces and covers of a page never cost a session lookup.
 */
export function drawnPictureRoutes(): Router {
  const router = Router();

  router.get('/drawn/:kind/:file', (req, res) => {
    const svg = drawnSvgAt(req.path);
    if (svg === undefined) throw new NotFound('There is no such picture.');
    res.set({ 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable' }).send(svg);
  });

  return router;
}
