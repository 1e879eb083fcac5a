import { Router, type Response } from 'express';
import type { Deps } from '../deps.js';
import { requireUser, requireVerified } from '../web/auth-guard.js';
import { authorize, fieldErrorsOf, ValidationFailed, type HttpError, type FieldErrors } from '../web/errors.js';
import { audioUploadLimits, discardUpload, uploadedAudio } from '../web/upload.js';
import { receiveTrackAudio } from '../tracks/receive.js';
import { uploadedImage } from '../web/image-upload.js';
import { MAX_PICTURE_BYTES } from '../pictures/kinds.js';
import { uploadRoute } from '../web/csrf.js';
import { validate } from '../web/validate.js';
import { createPost } from './create.js';
import { editFormValues, editPost } from './edit.js';
import { renderEditPage } from './edit-page.js';
import { loadPost } from './load.js';
import { tOf } from './names.js';
import { canEditPost } from './policies.js';
import type { PostSummary } from './queries.js';
import { MUSICAL_KEYS, postSchema } from './schemas.js';
import { listGenres, listInstruments, ticked } from './taxonomy.js';

async function renderForm({ db, config }: Deps, res: Response, status: number, values: Record<string, unknown>, errors: FieldErrors) {
  const [genres, instruments] = await Promise.all([listGenres(db), listInstruments(db)]);
  res.status(status).render('posts/new', { title: tOf(res)('posts:new.page_title'), values: { ...values, lookingFor: ticked(values.lookingFor) }, errors, genres, instruments, keys: MUSICAL_KEYS, maxUploadMb: config.maxUploadBytes / 1024 / 1024, audioUpload: audioUploadLimits(config.maxUploadBytes), maxPictureMb: MAX_PICTURE_BYTES / 1024 / 1024 });
}

export function postRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/posts/new', requireVerified, async (_req, res) => renderForm(deps, res, 200, {}, {}));

  const renderEdit = (res: Response, status: number, post: PostSummary, values: Record<string, unknown>, errors: FieldErrors) => renderEditPage(deps, res, status, post, values, errors);

  router.get('/posts/:id/edit', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canEditPost(req.user, post));
    await renderEdit(res, 200, post, editFormValues(post), {});
  });

  router.post('/posts/:id/edit', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canEditPost(req.user, post));
    try {
      await editPost(post, validate(postSchema, req.body ?? {}), { db, actor: req.user });
    } catch (err) {
      if (err instanceof ValidationFailed && req.accepts(['html', 'json']) === 'html') return renderEdit(res, 422, post, req.body ?? {}, err.fields);
      throw err;
    }
    req.log.info({ postId: post.id }, 'post edited');
    if (req.accepts(['html', 'json']) === 'json') return res.json({ id: post.id, url: `/posts/${post.id}` });
    res.redirect(303, `/posts/${post.id}`);
  });

  return router;
}

/** POST /posts reads its own multipart body: the CSRF token is checked when multer meets the file. */
export function postUploadRoutes(deps: Deps): Router {
  const { storage } = deps;
  const image = { field: 'cover', maxBytes: MAX_PICTURE_BYTES };
  return uploadRoute('/posts', requireVerified, receiveTrackAudio(deps, { image }), async (req, res, next) => {
    const audio = uploadedAudio(req);
    try {
      const input = validate(postSchema, req.body);
      if (!audio) throw new ValidationFailed({ audio: 'Choose an audio file to upload.' });
      const post = await createPost({ post: input, audio, cover: uploadedImage(req, image.field) }, { ...deps, actor: req.user! });
      req.log.info({ postId: post.id, trackId: post.author_track_id }, 'post created');
      if (req.accepts(['html', 'json']) === 'json') return res.status(201).json({ id: post.id, url: `/posts/${post.id}` });
      res.redirect(303, `/posts/${post.id}`);
    } catch (err) {
      await discardUpload(storage, req);
      // A field error, or a refused cover art (415/413 naming its field): the form again, with it.
      const fields = fieldErrorsOf(err);
      if (fields && req.accepts(['html', 'json']) === 'html') return renderForm(deps, res, (err as HttpError).status, req.body, fields);
      next(err);
    }
  });
}
