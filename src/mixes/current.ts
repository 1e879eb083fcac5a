import type { Deps } from '../deps.js';
import { canMixPost } from '../posts/policies.js';
import { setCurrentMaster, type PostSummary } from '../posts/queries.js';
import { authorize, Conflict, NotFound } from '../web/errors.js';
import { findMixVersionByNumber } from './queries.js';

/** The author goes back to an earlier master: listeners hear that version again. */
export async function makeMixVersionCurrent(post: PostSummary, number: number, { db, actor }: Pick<Deps, 'db'> & { actor: Express.User }): Promise<void> {
  authorize(canMixPost(actor, post));
  const version = await findMixVersionByNumber(db, post.id, number);
  if (!version) throw new NotFound('That version of the mix does not exist.');
  if (version.status === 'retired') throw new Conflict('This version contained a part that was withdrawn: its audio was deleted and it cannot be restored.');
  if (version.status !== 'ready' || !version.master_track_id) throw new Conflict('Only a rendered version can become the current master.');
  await db.transaction((trx) => setCurrentMaster(trx, post.id, { id: version.id, master_track_id: version.master_track_id! }));
}
