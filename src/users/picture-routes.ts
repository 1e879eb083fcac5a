import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { MAX_PICTURE_BYTES, MIN_PICTURE_SIDE } from '../pictures/kinds.js';
import { avatarView, profileCoverView } from '../pictures/present.js';
import { requireUser } from '../web/auth-guard.js';
import { uploadRoute } from '../web/csrf.js';
import { fieldErrorsOf, ValidationFailed, type HttpError, type FieldErrors } from '../web/errors.js';
import { receiveImage, uploadedImage } from '../web/image-upload.js';
import { findProfilePictures } from './picture-queries.js';
import { changeProfilePicture, type ProfilePicture } from './pictures.js';

const PAGE = '/settings/pictures';

/** The page with both forms; each field's error comes back beside its own form. */
async function renderPage({ db }: Pick<Deps, 'db'>, req: Request, res: Response, status: number, errors: FieldErrors) {
  const user = req.user!;
  const pictures = await findProfilePictures(db, user.id);
  res.status(status).render('users/pictures', {
    title: 'Pictures',
    errors,
    avatar: { ...avatarView({ avatarPictureId: pictures.avatar_picture_id, nickname: user.nickname }), uploaded: pictures.avatar_picture_id !== null },
    cover: { ...profileCoverView({ coverPictureId: pictures.cover_picture_id, nickname: user.nickname }), uploaded: pictures.cover_picture_id !== null },
    profileUrl: `/users/${encodeURIComponent(user.nickname)}`,
    maxPictureMb: MAX_PICTURE_BYTES / 1024 / 1024,
    minSide: MIN_PICTURE_SIDE,
  });
}

function answer(req: Request, res: Response, body: object) {
  if (req.accepts(['html', 'json']) === 'json') return res.json(body);
  res.redirect(303, PAGE);
}

/** GET /settings/pictures and the two "remove" buttons. */
export function profilePictureRoutes(deps: Deps): Router {
  const router = Router();
  router.get(PAGE, requireUser, (req, res) => renderPage(deps, req, res, 200, {}));
  for (const which of ['avatar', 'cover'] as const) {
    router.post(`/settings/${which}/delete`, requireUser, async (req, res) => {
      await changeProfilePicture(which, null, { ...deps, actor: req.user! });
      answer(req, res, { [which]: null });
    });
  }
  return router;
}

/** POST /settings/avatar and /settings/cover read their own multipart body (CSRF checked by multer's filter). */
export function profilePictureUploadRoutes(deps: Deps): Router[] {
  return (['avatar', 'cover'] as const).map((which: ProfilePicture) =>
    uploadRoute(`/settings/${which}`, requireUser, receiveImage({ field: which, maxBytes: MAX_PICTURE_BYTES }), async (req, res) => {
      const image = uploadedImage(req, which);
      try {
        if (!image) throw new ValidationFailed({ [which]: 'Choose a picture to upload.' });
        const stored = await changeProfilePicture(which, image, { ...deps, actor: req.user! });
        answer(req, res, { [which]: stored?.id ?? null });
      } catch (err) {
        const fields = fieldErrorsOf(err);
        if (fields && req.accepts(['html', 'json']) === 'html') return renderPage(deps, req, res, (err as HttpError).status, fields);
        throw err;
      }
    }),
  );
}
