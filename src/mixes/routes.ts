import { Router } from 'express';
import { loadContribution } from '../contributions/load.js';
import type { Deps } from '../deps.js';
import { INTEGER_MAX, loadPost, parseId } from '../posts/load.js';
import { canMixPost } from '../posts/policies.js';
import { requireUser } from '../web/auth-guard.js';
import { NotFound } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { makeMixVersionCurrent } from './current.js';
import { mixVersionPage, VERSIONS_ON_POST_PAGE } from './history.js';
import { saveMix } from './save.js';
import { saveMixSchema, settingsFromForm } from './schemas.js';
import { withdrawContribution } from './withdraw.js';

/** A version number from the URL; past the column's range it names nothing. */
const versionNumber = (value: unknown): number => parseId(value, INTEGER_MAX);

/** ?limit= between 1 and 50; the post page's count by default. */
function pageSize(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : VERSIONS_ON_POST_PAGE;
  return Math.min(50, Math.max(1, n));
}

/** Wired in by the app from a part above this one: told of each saved mix (notifications). */
export interface MixHooks {
  onMixSaved?: (versionId: number) => Promise<unknown>;
}

export function mixRoutes(deps: Deps, hooks: MixHooks = {}): Router {
  const { db } = deps;
  const router = Router();

  // Save the mix: JSON from the mixer, or plain form fields without JavaScript.
  router.post('/posts/:id/mix', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    // JSON is the mixer's recipe and must have its shape; a wrong one is 422, never a default mix.
    const input = validate(saveMixSchema, req.is('application/json') ? req.body : settingsFromForm(req.body ?? {}));
    const version = await saveMix(post, input, { ...deps, actor: req.user! });
    req.log.info({ postId: post.id, versionId: version.id, number: version.number }, 'mix saved');
    // The mix is saved whatever its notifications do.
    await hooks.onMixSaved?.(version.id).catch((err: unknown) => req.log.warn({ err, versionId: version.id }, 'mix not notified'));
    if (req.accepts(['html', 'json']) === 'json') return res.status(202).json({ version: { id: version.id, number: version.number, status: version.status } });
    res.redirect(303, `/posts/${post.id}#versions`);
  });

  // The history, a page at a time (?before=<number>&limit=): JSON, or a page for a browser.
  router.get('/posts/:id/versions', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const before = req.query.before === undefined ? undefined : versionNumber(req.query.before);
    const limit = pageSize(req.query.limit);
    const page = await mixVersionPage(db, post, { before, limit });
    if (req.accepts(['json', 'html']) === 'html') {
      return res.render('mixes/versions', { title: `${post.title}: master versions`, post: { id: post.id, title: post.title, url: `/posts/${post.id}` }, versions: page.versions, olderUrl: page.olderUrl, canMix: canMixPost(req.user, post) });
    }
    res.set('Cache-Control', 'no-store').json({ currentVersionId: post.current_mix_version_id, versions: page.versions, olderUrl: page.olderUrl });
  });

  // One version, for the mixer's render poll: the same cost however long the history.
  router.get('/posts/:id/versions/:number', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const number = versionNumber(req.params.number);
    const [version] = (await mixVersionPage(db, post, { before: number + 1, limit: 1 })).versions;
    if (version?.number !== number) throw new NotFound('That version of the mix does not exist.');
    res.set('Cache-Control', 'no-store').json({ currentVersionId: post.current_mix_version_id, version });
  });

  router.post('/posts/:id/versions/:number/current', requireUser, async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const number = versionNumber(req.params.number);
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
