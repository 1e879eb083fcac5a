import { Router } from 'express';
import { loadContribution } from '../contributions/load.js';
import type { Deps } from '../deps.js';
import { loadPost, parseId } from '../posts/load.js';
import { requireUser } from '../web/auth-guard.js';
import { validate } from '../web/validate.js';
import { makeMixVersionCurrent } from './current.js';
import { listMixVersions } from './queries.js';
import { saveMix } from './save.js';
import { saveMixSchema, settingsFromForm } from './schemas.js';
import { withdrawContribution } from './withdraw.js';
import { presentMixVersions } from './view-models.js';

export function mixRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  // Save the mix: JSON from the mixer, or plain form fields without JavaScript.
  router.post('/posts/:id/mix', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const input = validate(saveMixSchema, settingsFromForm(req.body ?? {}));
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
    const number = parseId(req.params.number);
    await makeMixVersionCurrent(post, number, { db, actor: req.user! });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ currentVersion: number });
    res.redirect(303, `/posts/${post.id}#versions`);
  });

  // A part's own URL, but served here: taking it down may save the mix again without it.
  router.post('/contributions/:id/delete', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    await withdrawContribution(post, contribution, { ...deps, actor: req.user });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ id: contribution.id, deleted: true });
    res.redirect(303, `/posts/${post.id}#contributions`);
  });

  return router;
}
