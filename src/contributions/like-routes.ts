import { Router } from 'express';
import type { Deps } from '../deps.js';
import { requireUser } from '../web/auth-guard.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { setContributionLiked } from './like-queries.js';
import { loadContribution } from './load.js';

/** Wired in by the app from a part above this one: told of each like (notifications). */
export interface ContributionLikeHooks {
  onLiked?: (like: { contributionId: number; actorId: number }) => Promise<unknown>;
}

export function contributionLikeRoutes({ db }: Deps, hooks: ContributionLikeHooks = {}): Router {
  const router = Router();

  router.post('/contributions/:id/like', requireUser, async (req, res) => {
    const { contribution, post } = await loadContribution(db, req.params.id);
    const on = readToggle(req);
    const state = await setContributionLiked(db, req.user!.id, contribution.id, on);
    // The like stands whatever its notification does.
    if (on) await hooks.onLiked?.({ contributionId: contribution.id, actorId: req.user!.id }).catch((err: unknown) => req.log.warn({ err, contributionId: contribution.id }, 'like not notified'));
    answerToggle(req, res, state, `/posts/${post.id}#contribution-${contribution.id}`);
  });

  return router;
}
