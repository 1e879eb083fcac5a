import { Router } from 'express';
import type { Deps } from '../deps.js';
import { drawnPictureAsPng } from '../pictures/drawn-png.js';
import { avatarView } from '../pictures/present.js';
import { NotFound } from '../web/errors.js';
import { findProfilePictures } from './picture-queries.js';
import { findUserByNickname } from './queries.js';
import { DRAWN_AVATAR_SIZE } from './share.js';

/** A musician's avatar as a PNG for share cards: the drawn one (scrapers refuse SVG), or a redirect to the upload. */
export function profileShareRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/users/:nickname/avatar.png', async (req, res) => {
    const user = await findUserByNickname(db, req.params.nickname);
    if (!user) throw new NotFound('There is no musician with that name.');
    const pictures = await findProfilePictures(db, user.id);
    const avatar = avatarView({ avatarPictureId: pictures.avatar_picture_id, nickname: user.nickname });
    if (!avatar.generated) return res.redirect(302, avatar.src);
    const png = await drawnPictureAsPng(avatar.src, DRAWN_AVATAR_SIZE);
    res.set({ 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400', 'Cross-Origin-Resource-Policy': 'cross-origin' }).send(png);
  });

  return router;
}
