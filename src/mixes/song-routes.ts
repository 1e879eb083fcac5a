import { Router, type Request } from 'express';
import { loadContribution } from '../contributions/load.js';
import type { Deps } from '../deps.js';
import { loadPost } from '../posts/load.js';
import { tOf } from '../posts/names.js';
import { canDeletePost } from '../posts/policies.js';
import { discardUpload, uploadedAudio } from '../web/upload.js';
import { receiveTrackAudio } from '../tracks/receive.js';
import { requireUser } from '../web/auth-guard.js';
import { uploadRoute } from '../web/csrf.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { deleteSong } from './delete-song.js';
import { replaceTake } from './replace-take.js';
import { planStems, writeStemsZip } from './stems.js';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

/**
 * Routes on a song or part that reach into its masters, so they live in mixes: the stems
 * of the current master, deleting the whole song, and a part's new take.
 */
export function songRoutes(deps: Deps): Router {
  const { db, storage, config, log } = deps;
  const router = Router();

  // Anyone who can hear the song may take its stems into a DAW.
  router.get('/posts/:id/stems.zip', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const plan = await planStems(db, post);
    res.attachment(plan.zipName).type('application/zip').set('Cache-Control', 'no-store');
    try {
      await writeStemsZip(plan, post, res, { storage, config });
    } catch (err) {
      // The ZIP is half-sent: all we can do is cut the connection so it never looks complete.
      log.error({ err, postId: post.id }, 'stems zip failed');
      res.destroy(err as Error);
    }
  });

  // Deleting asks first: this page, then the form's POST with its confirm box ticked.
  router.get('/posts/:id/delete', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canDeletePost(req.user, post));
    res.render('posts/delete', { title: tOf(res)('posts:delete.page_title', { title: post.title }), post: { id: post.id, title: post.title, contributions: post.contributions_count }, errors: {} });
  });

  router.post('/posts/:id/delete', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    authorize(canDeletePost(req.user, post));
    if (req.body?.confirm !== 'yes') {
      const errors = { confirm: 'Tick the box to confirm: the song, every part and every master are deleted for good.' };
      if (wantsJson(req)) throw new ValidationFailed(errors);
      return res.status(422).render('posts/delete', { title: tOf(res)('posts:delete.page_title', { title: post.title }), post: { id: post.id, title: post.title, contributions: post.contributions_count }, errors });
    }
    await deleteSong(post, { db, storage, log, actor: req.user });
    if (wantsJson(req)) return res.json({ id: post.id, deleted: true });
    res.redirect(303, `/users/${encodeURIComponent(req.user!.nickname)}`);
  });

  return router;
}

/** A new take of a part: multipart, the file in `audio`; the CSRF token is checked when multer meets the file. */
export function takeUploadRoutes(deps: Deps): Router {
  const { db, storage } = deps;
  return uploadRoute('/contributions/:id/replace', requireUser, receiveTrackAudio(deps), async (req, res, next) => {
    try {
      const { contribution, post } = await loadContribution(db, req.params.id);
      const audio = uploadedAudio(req);
      if (!audio) throw new ValidationFailed({ audio: 'Choose the audio file of your new take.' });
      const replaced = await replaceTake(post, contribution, audio, { ...deps, actor: req.user });
      req.log.info({ postId: post.id, contributionId: contribution.id, ...replaced }, 'take replaced');
      if (wantsJson(req)) return res.json({ id: contribution.id, ...replaced });
      res.redirect(303, `/posts/${post.id}#contribution-${contribution.id}`);
    } catch (err) {
      await discardUpload(storage, req);
      next(err);
    }
  });
}
