import { translateMessage, type Language } from '../web/i18n.js';
import { Router, type Response } from 'express';
import type { Deps } from '../deps.js';
import type { PostSummary } from '../posts/queries.js';
import { listInstruments } from '../posts/taxonomy.js';
import { requireUser } from '../web/auth-guard.js';
import { authorize, ValidationFailed, type FieldErrors } from '../web/errors.js';
import { audioUploadLimits } from '../web/upload.js';
import { validate } from '../web/validate.js';
import { editContribution } from './edit.js';
import { loadContribution } from './load.js';
import { canEditContribution } from './policies.js';
import type { ContributionRow } from './queries.js';
import { contributionSchema } from './schemas.js';

/** GET|POST /contributions/:id/edit: the contributor's note and instrument (a new take is POST /contributions/:id/replace). */
export function contributionEditRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  const render = async (res: Response, status: number, contribution: ContributionRow, post: PostSummary, values: Record<string, unknown>, errors: FieldErrors) => {
    res.status(status).render('contributions/edit', {
      title: translateMessage(res.locals.lang as Language, 'Edit your part on {{title}}', { title: post.title }),
      part: { id: contribution.id, postId: post.id, postTitle: post.title },
      values,
      errors,
      instruments: await listInstruments(db),
      maxUploadMb: config.maxUploadBytes / 1024 / 1024,
      audioUpload: audioUploadLimits(config.maxUploadBytes),
    });
  };

  router.get('/contributions/:id/edit', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    authorize(canEditContribution(req.user, contribution));
    const instrument = (await listInstruments(db)).find((i) => i.id === contribution.instrument_id);
    await render(res, 200, contribution, post, { note: contribution.note, instrument: instrument?.slug ?? '' }, {});
  });

  router.post('/contributions/:id/edit', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    authorize(canEditContribution(req.user, contribution));
    try {
      await editContribution(contribution, validate(contributionSchema, req.body ?? {}), { db, actor: req.user });
    } catch (err) {
      if (err instanceof ValidationFailed && req.accepts(['html', 'json']) === 'html') return render(res, 422, contribution, post, req.body ?? {}, err.fields);
      throw err;
    }
    if (req.accepts(['html', 'json']) === 'json') return res.json({ id: contribution.id });
    res.redirect(303, `/posts/${post.id}#contribution-${contribution.id}`);
  });

  return router;
}
