import { Router } from 'express';
import type { Deps } from '../deps.js';
import { MAX_PICTURE_BYTES } from '../pictures/kinds.js';
import { requireUser } from '../web/auth-guard.js';
import { uploadRoute } from '../web/csrf.js';
import { authorize, fieldErrorsOf, ValidationFailed, type HttpError } from '../web/errors.js';
import { receiveImage, uploadedImage } from '../web/image-upload.js';
import { changeSongCover } from './cover.js';
import { editFormValues } from './edit.js';
import { renderEditPage } from './edit-page.js';
import { loadPost } from './load.js';
import { canEditPost } from './policies.js';

const FIELD = 'cover';

/** POST /posts/:id/cover reads its own multipart body: the CSRF token is checked when multer meets the file. */
export function songCoverUploadRoutes(deps: Deps): Router {
  const { db } = deps;
  return uploadRoute('/posts/:id/cover', requireUser, receiveImage({ field: FIELD, maxBytes: MAX_PICTURE_BYTES }), async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canEditPost(req.user, post));
    const image = uploadedImage(req, FIELD);
    try {
      if (!image) throw new ValidationFailed({ [FIELD]: 'Choose a picture to upload.' });
      await changeSongCover(post, image, { ...deps, actor: req.user });
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields && req.accepts(['html', 'json']) === 'html') return renderEditPage(deps, res, (err as HttpError).status, post, editFormValues(post), fields);
      throw err;
    }
    if (req.accepts(['html', 'json']) === 'json') return res.json({ id: post.id, url: `/posts/${post.id}` });
    res.redirect(303, `/posts/${post.id}/edit#cover`);
  });
}

/** Taking the art off a song: it shows its generated cover again. */
export function songCoverRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();
  router.post('/posts/:id/cover/delete', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canEditPost(req.user, post));
    await changeSongCover(post, null, { ...deps, actor: req.user });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ id: post.id, url: `/posts/${post.id}` });
    res.redirect(303, `/posts/${post.id}/edit#cover`);
  });
  return router;
}
