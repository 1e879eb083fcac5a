import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { loadPost } from '../posts/load.js';
import type { PostSummary } from '../posts/queries.js';
import { discardUpload, uploadedAudio } from '../web/upload.js';
import { receiveTrackAudio } from '../tracks/receive.js';
import { requireUser, requireVerified } from '../web/auth-guard.js';
import { ValidationFailed } from '../web/errors.js';
import { uploadRoute } from '../web/csrf.js';
import { validate } from '../web/validate.js';
import { createContribution } from './create.js';
import { loadContribution } from './load.js';
import { setContributionInMix } from './mix-membership.js';
import { contributionSchema } from './schemas.js';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

export function contributionRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  const done = (req: Request, res: Response, post: PostSummary, body: object, anchor = 'contributions') =>
    wantsJson(req) ? res.json(body) : res.redirect(303, `/posts/${post.id}#${anchor}`);

  router.post('/contributions/:id/include', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    await setContributionInMix(post, contribution, true, { db, actor: req.user });
    done(req, res, post, { id: contribution.id, included: true }, 'mixer');
  });

  router.post('/contributions/:id/exclude', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    await setContributionInMix(post, contribution, false, { db, actor: req.user });
    done(req, res, post, { id: contribution.id, included: false }, 'mixer');
  });

  // POST /contributions/:id/delete is in mixes/routes.ts: withdrawing a part may re-save the mix.

  return router;
}

/** POST /posts/:id/contributions reads its own multipart body: the CSRF token is checked when multer meets the file. */
export function contributionUploadRoutes(deps: Deps): Router {
  const { db, storage } = deps;
  return uploadRoute('/posts/:id/contributions', requireVerified, receiveTrackAudio(deps), async (req, res, next) => {
    const audio = uploadedAudio(req);
    try {
      const post = await loadPost(db, req.params.id);
      const part = validate(contributionSchema, req.body);
      if (!audio) throw new ValidationFailed({ audio: 'Choose an audio file with your part.' });
      const contribution = await createContribution(post, { part, audio }, { ...deps, actor: req.user! });
      req.log.info({ postId: post.id, contributionId: contribution.id }, 'contribution added');
      if (wantsJson(req)) return res.status(201).json({ id: contribution.id, trackId: contribution.track_id });
      res.redirect(303, `/posts/${post.id}#contribution-${contribution.id}`);
    } catch (err) {
      await discardUpload(storage, req);
      next(err);
    }
  });
}
