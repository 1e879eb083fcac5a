import { Router } from 'express';
import type { Deps } from '../deps.js';
import { INTEGER_MAX, loadPost, parseId } from '../posts/load.js';
import { requireUser } from '../web/auth-guard.js';
import { validate } from '../web/validate.js';
import { makeMixVersionCurrent } from './current.js';
import { listMixVersions } from './queries.js';
import { saveMix } from './save.js';
import { saveMixSchema, settingsFromForm } from './schemas.js';
import { presentMixVersions } from './view-models.js';

export function mixRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();


  // Save the mix: JSON from the mixer, or plain form fields without JavaScript.
  router.post('/posts/:id/mix', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    // JSON is the mixer's recipe and must have its shape; a wrong one is 422, never a default mix.
    const input = validate(saveMixSchema, req.is('application/json') ? req.body : settingsFromForm(req.body ?? {}));
    const version = await saveMix(post, input, { ...deps, actor: req.user! });
    req.log.info({ postId: post.id, versionId: version.id, number: version.number }, 'mix saved');
    if (req.accepts(['html', 'json']) === 'json') return res.status(202).json({ version: { id: version.id, number: version.number, status: version.status } });
    res.redirect(303, `/posts/${post.id}#versions`);
  });

  router.get('/posts/:id/versions', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const versions = presentMixVersions(post.id, await listMixVersions(db, post.id), post.current_mix_version_id);
    res.set('Cache-Control', 'no-store').json({ currentVersionId: post.current_mix_version_id, versions });
  });

  router.post('/posts/:id/versions/:number/current', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const number = parseId(req.params.number, INTEGER_MAX);
    await makeMixVersionCurrent(post, number, { db, actor: req.user! });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ currentVersion: number });
    res.redirect(303, `/posts/${post.id}#versions`);
  });

  return router;
}
