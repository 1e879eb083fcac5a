import { Router } from 'express';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { setContributionLiked } from './like-queries.js';
import { loadContribution } from './load.js';

export function contributionLikeRoutes({ db }: Deps): Router {
  const router = Router();

  router.post('/contributions/:id/like', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    const on = readToggle(req);
    const state = await setContributionLiked(db, req.user!.id, contribution.id, on);
    answerToggle(req, res, state, `/posts/${post.id}#contribution-${contribution.id}`);
  });

  return router;
}
